namespace BreachNotify.Application.Notices.Recipients;

public enum RecipientFileFormat
{
    /// <summary>text/csv with header <c>email,name,language,country,kind,externalId</c>.</summary>
    Csv,

    /// <summary>application/json: an array of objects with the same fields.</summary>
    Json,
}

/// <summary>Reads recipient rows from an upload as a stream (port; CsvHelper and System.Text.Json in the adapters).</summary>
public interface IRecipientFileReader
{
    /// <exception cref="RecipientUploadException">The upload cannot be read at all (names the field).</exception>
    IAsyncEnumerable<RecipientInput> ReadAsync(Stream body, RecipientFileFormat format, CancellationToken cancellationToken = default);
}

/// <summary>The upload use case: read the file as a stream and import its rows (never buffered whole, never logged).</summary>
public sealed class RecipientUpload(IRecipientFileReader reader, RecipientImporter importer)
{
    public Task<ImportResult> ImportAsync(string incidentId, Stream body, RecipientFileFormat format, CancellationToken cancellationToken = default)
        => importer.ImportAsync(incidentId, reader.ReadAsync(body, format, cancellationToken), cancellationToken);
}
