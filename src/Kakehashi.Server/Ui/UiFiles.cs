using System.Security.Cryptography;

namespace Kakehashi.Server.Ui;

/// <summary>
/// The UI's static files, embedded in the server's assembly (<c>Ui/assets</c>): no build step,
/// no separate web server, nothing fetched from outside. Read once at start and served from
/// memory with a content hash as ETag.
/// </summary>
public sealed class UiFiles
{
    private const string ResourcePrefix = "ui/";

    private static readonly Dictionary<string, string> ContentTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        [".html"] = "text/html; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
        [".svg"] = "image/svg+xml",
    };

    private readonly Dictionary<string, UiFile> files;

    private UiFiles(Dictionary<string, UiFile> files) => this.files = files;

    public static UiFiles Load()
    {
        var assembly = typeof(UiFiles).Assembly;
        var files = new Dictionary<string, UiFile>(StringComparer.Ordinal);
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            var bytes = buffer.ToArray();
            var type = ContentTypes.GetValueOrDefault(Path.GetExtension(name), "application/octet-stream");
            files[name[ResourcePrefix.Length..]] = new UiFile(bytes, type, "\"" + Convert.ToHexStringLower(SHA256.HashData(bytes))[..16] + "\"");
        }

        return files.ContainsKey("index.html") && files.ContainsKey("portal.html") ? new UiFiles(files) : throw new InvalidOperationException("The UI files are missing from the build.");
    }

    /// <summary>The portal's page for its root and its sign-in callback; nothing else lives under <c>/portal/</c>.</summary>
    public UiFile? FindPortal(string? path) => path is null or "" or "callback" ? files["portal.html"] : null;

    /// <summary>The file for a path under <c>/ui/</c>; the page itself answers its root and the sign-in callback.</summary>
    public UiFile? Find(string? path) => path switch
    {
        null or "" or "callback" => files["index.html"],
        _ => files.GetValueOrDefault(path),
    };
}

public sealed record UiFile(byte[] Content, string ContentType, string ETag);
