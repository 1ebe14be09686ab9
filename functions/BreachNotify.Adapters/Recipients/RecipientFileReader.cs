using BreachNotify.Application.Notices.Recipients;

namespace BreachNotify.Adapters.Recipients;

/// <summary>The recipient-file port on <see cref="RecipientReaders"/> (CsvHelper, System.Text.Json).</summary>
public sealed class RecipientFileReader : IRecipientFileReader
{
    public IAsyncEnumerable<RecipientInput> ReadAsync(Stream body, RecipientFileFormat format, CancellationToken cancellationToken = default)
        => format == RecipientFileFormat.Csv ? RecipientReaders.ReadCsvAsync(body, cancellationToken) : RecipientReaders.ReadJsonAsync(body, cancellationToken);
}
