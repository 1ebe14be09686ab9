using System.Security.Cryptography;
using System.Text;

namespace BreachNotify.Adapters.AzureTables;

/// <summary>A storage account name and key, used to sign requests with SharedKeyLite.</summary>
public sealed class TableSharedKeyCredential
{
    private readonly byte[] _key;

    public TableSharedKeyCredential(string accountName, string accountKey)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(accountName);
        ArgumentException.ThrowIfNullOrWhiteSpace(accountKey);
        AccountName = accountName;
        try { _key = Convert.FromBase64String(accountKey); }
        catch (FormatException ex) { throw new ArgumentException("The account key is not valid base64.", nameof(accountKey), ex); }
    }

    public string AccountName { get; }

    /// <summary>Base64 of HMAC-SHA256(base64-decoded key, UTF-8 string to sign).</summary>
    public string ComputeSignature(string stringToSign)
        => Convert.ToBase64String(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(stringToSign)));
}
