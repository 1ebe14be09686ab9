using System.Reflection;
using System.Security.Cryptography;

namespace BreachNotify.FunctionApp.Features.Dashboard;

public sealed record UiAsset(string Path, byte[] Content, string ContentType, string ETag);

/// <summary>
/// The dashboard's static files, embedded in the handler assembly (wwwroot/ui/**, logical names "ui/…") so they ship
/// with the binary and need no content root: behind the Functions host the working folder is the host's.
/// </summary>
public sealed class UiAssets
{
    public const string ResourcePrefix = "ui/";

    private readonly Dictionary<string, UiAsset> _assets;

    public UiAssets(Assembly assembly)
    {
        _assets = new(StringComparer.Ordinal);
        foreach (var name in assembly.GetManifestResourceNames())
        {
            var path = name.Replace('\\', '/');
            if (!path.StartsWith(ResourcePrefix, StringComparison.Ordinal)) continue;
            path = path[ResourcePrefix.Length..];
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            var bytes = buffer.ToArray();
            _assets[path] = new UiAsset(path, bytes, ContentTypeOf(path), "\"" + Convert.ToHexStringLower(SHA256.HashData(bytes))[..32] + "\"");
        }
    }

    public IReadOnlyCollection<string> Paths => _assets.Keys;

    public UiAsset? Find(string? path)
    {
        var key = string.IsNullOrEmpty(path) ? "index.html" : path;
        return _assets.GetValueOrDefault(key);
    }

    public static string ContentTypeOf(string path) => System.IO.Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".html" => "text/html; charset=utf-8",
        ".js" or ".mjs" => "text/javascript; charset=utf-8",
        ".css" => "text/css; charset=utf-8",
        ".svg" => "image/svg+xml",
        ".png" => "image/png",
        ".ico" => "image/x-icon",
        ".json" => "application/json; charset=utf-8",
        ".webmanifest" => "application/manifest+json",
        ".txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    };
}
