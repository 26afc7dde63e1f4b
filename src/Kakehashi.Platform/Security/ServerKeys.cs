using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace Kakehashi.Platform.Security;

/// <summary>
/// The authorization server's keys: an RSA key that signs access tokens and a symmetric key
/// that encrypts authorization codes. Taken from configuration when given (several servers
/// share them), otherwise generated at first start into the data directory, which is never
/// committed (<c>.gitignore</c>), with owner-only file permissions.
/// </summary>
public sealed class ServerKeys
{
    private ServerKeys(RsaSecurityKey signing, SymmetricSecurityKey encryption)
    {
        Signing = signing;
        Encryption = encryption;
    }

    public RsaSecurityKey Signing { get; }

    public SymmetricSecurityKey Encryption { get; }

    public static ServerKeys Load(SecurityOptions options, string dataDirectory)
    {
        var folder = Path.Combine(dataDirectory, "security");
        var signingPem = options.SigningKeyPem;
        if (string.IsNullOrWhiteSpace(signingPem))
        {
            signingPem = ReadOrCreate(Path.Combine(folder, "signing-key.pem"), () =>
            {
                using var rsa = RSA.Create(2048);
                return rsa.ExportPkcs8PrivateKeyPem();
            });
        }

        var encryption = options.EncryptionKey;
        if (string.IsNullOrWhiteSpace(encryption))
        {
            encryption = ReadOrCreate(Path.Combine(folder, "encryption-key.txt"), () => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
        }

        var rsaKey = RSA.Create();
        rsaKey.ImportFromPem(signingPem);
        var signing = new RsaSecurityKey(rsaKey) { KeyId = KeyId(rsaKey.ExportSubjectPublicKeyInfo()) };
        return new ServerKeys(signing, new SymmetricSecurityKey(Convert.FromBase64String(encryption.Trim())));
    }

    /// <summary>A secret from its file in the data directory, created at first start with owner-only permissions.</summary>
    public static string ReadOrCreate(string path, Func<string> create)
    {
        if (File.Exists(path))
        {
            return File.ReadAllText(path);
        }

        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var value = create();
        var temp = path + ".tmp";
        File.WriteAllText(temp, value);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        // Two servers starting together on one folder: the first rename wins, both then read it.
        try
        {
            File.Move(temp, path, overwrite: false);
        }
        catch (IOException)
        {
            File.Delete(temp);
        }

        return File.ReadAllText(path);
    }

    private static string KeyId(byte[] publicKey) => Base64UrlEncoder.Encode(SHA256.HashData(publicKey).AsSpan(0, 12).ToArray());
}
