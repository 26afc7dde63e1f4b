using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Kakehashi.Platform.Prescriptions.Signing;

/// <summary>
/// The server's time-stamp on an accepted signature: a compact JWS (ES256) by the server's key over
/// <c>{"sha256": base64url(SHA-256 of the canonical payload), "time": instant, "serial": leaf serial}</c>.
/// It proves that the platform held this exact prescription, signed by that certificate, at that
/// time — which keeps the signature's evidence after the certificate expires or is revoked.
/// </summary>
public sealed class ServerTimeStamp
{
    private const string Type = "kakehashi-timestamp+jwt";

    private readonly ECDsa key;
    private readonly string keyId;
    private readonly Lock gate = new();

    /// <param name="key">The server's P-256 time-stamp key (from the host's key store).</param>
    public ServerTimeStamp(ECDsa key)
    {
        if (key.KeySize != 256)
        {
            throw new ArgumentException("The time-stamp key must be ECDSA P-256 (ES256).", nameof(key));
        }

        this.key = key;
        // Names the key in the header, so that time-stamps of a retired key can still be told apart after rotation.
        keyId = Base64Url.EncodeToString(SHA256.HashData(key.ExportSubjectPublicKeyInfo()).AsSpan(0, 12));
    }

    /// <summary>The time-stamp token for a canonical payload signed by the certificate with <paramref name="serial"/>.</summary>
    public string Create(ReadOnlySpan<byte> canonical, string serial, DateTimeOffset now)
    {
        var header = Json(w =>
        {
            w.WriteString("alg", JwsAlgorithms.ES256);
            w.WriteString("typ", Type);
            w.WriteString("kid", keyId);
        });
        var hash = Base64Url.EncodeToString(SHA256.HashData(canonical));
        var payload = Json(w =>
        {
            w.WriteString("sha256", hash);
            w.WriteString("time", now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
            w.WriteString("serial", serial);
        });

        var input = Base64Url.EncodeToString(header) + "." + Base64Url.EncodeToString(payload);
        byte[] signature;
        lock (gate)
        {
            signature = JwsAlgorithms.Sign(key, Encoding.ASCII.GetBytes(input));
        }

        return input + "." + Base64Url.EncodeToString(signature);
    }

    /// <summary>The time-stamp's claims when the token is this server key's and covers exactly <paramref name="canonical"/>; otherwise null.</summary>
    public TimeStampClaims? Verify(string token, ReadOnlySpan<byte> canonical)
    {
        var parts = token.Split('.');
        if (parts.Length != 3)
        {
            return null;
        }

        try
        {
            using var header = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[0]));
            if (Text(header.RootElement, "alg") != JwsAlgorithms.ES256 || Text(header.RootElement, "kid") != keyId)
            {
                return null;
            }

            bool verifies;
            lock (gate)
            {
                verifies = JwsAlgorithms.Verify(key, Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), Base64Url.DecodeFromChars(parts[2]));
            }

            using var payload = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[1]));
            var claims = payload.RootElement;
            var hash = Base64Url.EncodeToString(SHA256.HashData(canonical));
            return verifies
                && Text(claims, "sha256") == hash
                && DateTimeOffset.TryParse(Text(claims, "time"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)
                && Text(claims, "serial") is { } serial
                ? new TimeStampClaims(time, serial)
                : null;
        }
        catch (Exception error) when (error is FormatException or JsonException)
        {
            return null;
        }
    }

    private static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static byte[] Json(Action<Utf8JsonWriter> properties)
    {
        var output = new MemoryStream();
        using (var writer = new Utf8JsonWriter(output))
        {
            writer.WriteStartObject();
            properties(writer);
            writer.WriteEndObject();
        }

        return output.ToArray();
    }
}

/// <summary>What a verified time-stamp says: when the server saw the payload, signed by which certificate serial.</summary>
public sealed record TimeStampClaims(DateTimeOffset Time, string Serial);
