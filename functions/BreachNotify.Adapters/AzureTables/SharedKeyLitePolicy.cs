using System.Globalization;
using Azure.Core;
using Azure.Core.Pipeline;

namespace BreachNotify.Adapters.AzureTables;

/// <summary>
/// Signs every attempt (it is a per-retry policy, so each retry gets a fresh <c>x-ms-date</c>) with the Table service's
/// SharedKeyLite scheme:
/// <c>Authorization: SharedKeyLite {account}:{base64(HMAC-SHA256(key, x-ms-date + "\n" + CanonicalizedResource))}</c>,
/// CanonicalizedResource = <c>/{account}{encoded URI path}</c> plus <c>?comp={value}</c> when the query has <c>comp</c>.
/// Docs: https://learn.microsoft.com/rest/api/storageservices/authorize-with-shared-key#shared-key-lite-and-table-service-format-for-2009-09-19-and-later
/// (Azure.Data.Tables' TableSharedKeyPipelinePolicy builds the resource from <see cref="Uri.AbsolutePath"/> the same way.)
/// With Azurite's path-style URLs the path already starts with the account: <c>/devstoreaccount1/devstoreaccount1/Tables</c>.
/// </summary>
public sealed class SharedKeyLitePolicy : HttpPipelineSynchronousPolicy
{
    private readonly TableSharedKeyCredential _credential;
    private readonly TimeProvider _time;

    public SharedKeyLitePolicy(TableSharedKeyCredential credential, TimeProvider time)
    {
        _credential = credential ?? throw new ArgumentNullException(nameof(credential));
        _time = time ?? throw new ArgumentNullException(nameof(time));
    }

    public override void OnSendingRequest(HttpMessage message)
    {
        var date = _time.GetUtcNow().ToString("R", CultureInfo.InvariantCulture);
        message.Request.Headers.SetValue("x-ms-date", date);
        var stringToSign = BuildStringToSign(date, _credential.AccountName, message.Request.Uri.ToUri());
        message.Request.Headers.SetValue(HttpHeader.Names.Authorization,
            $"SharedKeyLite {_credential.AccountName}:{_credential.ComputeSignature(stringToSign)}");
    }

    /// <summary>The SharedKeyLite (Table service) string to sign: date, newline, canonicalized resource.</summary>
    public static string BuildStringToSign(string date, string accountName, Uri uri)
    {
        var resource = "/" + accountName + uri.AbsolutePath;
        var comp = GetQueryParameter(uri.Query, "comp");
        if (comp is not null) resource += "?comp=" + comp;
        return date + "\n" + resource;
    }

    private static string? GetQueryParameter(string query, string name)
    {
        foreach (var pair in query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            var key = eq < 0 ? pair : pair[..eq];
            if (string.Equals(Uri.UnescapeDataString(key), name, StringComparison.OrdinalIgnoreCase))
                return eq < 0 ? string.Empty : Uri.UnescapeDataString(pair[(eq + 1)..]);
        }
        return null;
    }
}
