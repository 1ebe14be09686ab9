using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace BreachNotify.Adapters.ServiceBus;

/// <summary>
/// SAS tokens for Service Bus (https://learn.microsoft.com/azure/service-bus-messaging/service-bus-sas#generate-a-shared-access-signature-token):
/// <c>SharedAccessSignature sr={urlenc(uri)}&amp;sig={urlenc(base64(HMAC-SHA256(UTF-8 key, urlenc(uri) + "\n" + expiry)))}&amp;se={expiry}&amp;skn={keyName}</c>.
/// The key string's UTF-8 bytes are the HMAC key (it is not base64-decoded). URL encoding as WebUtility.UrlEncode.
/// </summary>
internal static class ServiceBusSharedAccessSignature
{
    public static string Create(string resourceUri, string keyName, string key, DateTimeOffset expiresAt)
    {
        var encodedUri = WebUtility.UrlEncode(resourceUri);
        var expiry = expiresAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var signature = Convert.ToBase64String(
            HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), Encoding.UTF8.GetBytes(encodedUri + "\n" + expiry)));
        return string.Create(
            CultureInfo.InvariantCulture,
            $"SharedAccessSignature sr={encodedUri}&sig={WebUtility.UrlEncode(signature)}&se={expiry}&skn={keyName}");
    }
}

/// <summary>Parsed <c>Endpoint=sb://…/;SharedAccessKeyName=…;SharedAccessKey=…[;EntityPath=…]</c>.</summary>
internal sealed record ServiceBusConnectionString(Uri Endpoint, string KeyName, string Key, string? EntityPath)
{
    public static ServiceBusConnectionString Parse(string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var parts = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var part in connectionString.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new FormatException("The Service Bus connection string has a segment without '='.");
            }

            // Only the first '=' separates: base64 keys end in '='.
            parts[part[..equals].Trim()] = part[(equals + 1)..].Trim();
        }

        if (!parts.TryGetValue("Endpoint", out var endpoint) ||
            !Uri.TryCreate(endpoint, UriKind.Absolute, out var endpointUri))
        {
            throw new FormatException("The Service Bus connection string has no valid Endpoint.");
        }

        if (!parts.TryGetValue("SharedAccessKeyName", out var keyName) || keyName.Length == 0 ||
            !parts.TryGetValue("SharedAccessKey", out var key) || key.Length == 0)
        {
            throw new FormatException("The Service Bus connection string needs SharedAccessKeyName and SharedAccessKey.");
        }

        // sb://host/ → https://host/ (the REST API is HTTPS).
        var https = new UriBuilder(endpointUri) { Scheme = Uri.UriSchemeHttps, Port = -1, Path = "/" }.Uri;
        parts.TryGetValue("EntityPath", out var entityPath);
        return new ServiceBusConnectionString(https, keyName, key, string.IsNullOrEmpty(entityPath) ? null : entityPath);
    }
}
