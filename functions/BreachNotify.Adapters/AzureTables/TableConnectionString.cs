namespace BreachNotify.Adapters.AzureTables;

/// <summary>
/// The parts of a storage connection string the Table client needs:
/// <c>DefaultEndpointsProtocol=https;AccountName=…;AccountKey=…[;TableEndpoint=…][;EndpointSuffix=…]</c>
/// or <c>UseDevelopmentStorage=true</c> (Azurite's default table endpoint and the well-known development key).
/// Docs: https://learn.microsoft.com/azure/storage/common/storage-configure-connection-string
/// </summary>
public sealed record TableConnectionString(Uri TableEndpoint, string AccountName, string AccountKey)
{
    public const string DevelopmentAccountName = "devstoreaccount1";

    /// <summary>The documented, public Azurite/emulator key (not a secret).</summary>
    public const string DevelopmentAccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    public static readonly Uri DevelopmentTableEndpoint = new("http://127.0.0.1:10002/devstoreaccount1");

    public TableSharedKeyCredential Credential => new(AccountName, AccountKey);

    public static TableConnectionString Parse(string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var parts = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var segment in connectionString.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var eq = segment.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0) throw new FormatException("The storage connection string has a segment without '='.");
            parts[segment[..eq].Trim()] = segment[(eq + 1)..].Trim(); // keys may end in '=' padding: split at the first '=' only
        }

        if (parts.TryGetValue("UseDevelopmentStorage", out var dev) && bool.TryParse(dev, out var isDev) && isDev)
            return new TableConnectionString(DevelopmentTableEndpoint, DevelopmentAccountName, DevelopmentAccountKey);

        if (parts.ContainsKey("SharedAccessSignature"))
            throw new NotSupportedException("SAS connection strings are not supported; use an account key or Entra ID (Storage:Tables:Endpoint).");
        if (!parts.TryGetValue("AccountName", out var account) || string.IsNullOrEmpty(account))
            throw new FormatException("The storage connection string has no AccountName.");
        if (!parts.TryGetValue("AccountKey", out var key) || string.IsNullOrEmpty(key))
            throw new FormatException("The storage connection string has no AccountKey.");

        Uri endpoint;
        if (parts.TryGetValue("TableEndpoint", out var te) && !string.IsNullOrEmpty(te))
        {
            endpoint = new Uri(te.TrimEnd('/'), UriKind.Absolute);
        }
        else
        {
            var protocol = parts.TryGetValue("DefaultEndpointsProtocol", out var p) && !string.IsNullOrEmpty(p) ? p : "https";
            var suffix = parts.TryGetValue("EndpointSuffix", out var s) && !string.IsNullOrEmpty(s) ? s : "core.windows.net";
            endpoint = new Uri($"{protocol}://{account}.table.{suffix}", UriKind.Absolute);
        }
        return new TableConnectionString(endpoint, account, key);
    }

    public override string ToString() => $"TableEndpoint={TableEndpoint};AccountName={AccountName};AccountKey=***";
}
