using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Kakehashi.Fhir.Storage.Sql;
using Kakehashi.Platform.Prescriptions.Signing;

namespace Kakehashi.Platform.Prescriptions;

/// <summary>
/// Verifies the signature of a prescription or a dispensing result against the configured HPKI
/// trust anchors and the CRLs the operator uploaded (<c>signature_crls</c>: every server reloads
/// them within <see cref="ReloadInterval"/>), and time-stamps what it accepted with the server's key.
/// </summary>
public sealed class PrescriptionSignatures(X509Certificate2Collection anchors, IReadOnlyList<X509Certificate2> intermediates, ECDsa timeStampKey, SqlDialect dialect, PrescriptionClock clock) : IDisposable
{
    public static readonly TimeSpan ReloadInterval = TimeSpan.FromSeconds(5);

    private readonly ServerTimeStamp stamps = new(timeStampKey);
    private readonly SemaphoreSlim gate = new(1, 1);
    private RevocationLists? lists;
    private DateTimeOffset loadedAt = DateTimeOffset.MinValue;

    public X509Certificate2Collection Anchors => anchors;

    public void Dispose()
    {
        gate.Dispose();
        timeStampKey.Dispose();
    }

    public async Task<SignerInfo> VerifyAsync(byte[] json, CancellationToken cancellationToken)
    {
        var now = clock.Now;
        var verified = new SignatureVerifier(anchors, await ListsAsync(cancellationToken)).Verify(json, now);
        var stamp = stamps.Create(PrescriptionCanonicalJson.Canonicalize(json), verified.SerialNumber, now);
        return new SignerInfo(verified.Qualification, verified.SerialNumber, verified.Subject, stamp);
    }

    /// <summary>Checks the CRL (signed by a known CA, newer than the one held) and stores it for every server.</summary>
    public async Task<CrlInfo> AddCrlAsync(byte[] der, CancellationToken cancellationToken)
    {
        var held = await ListsAsync(cancellationToken);
        if (!held.Add(der))
        {
            throw Kakehashi.Fhir.Errors.FhirException.Conflict("The server holds a newer revocation list from this CA.");
        }

        var info = Describe(der);

        await using var unit = await dialect.BeginWriteUnitAsync(cancellationToken);
        await using (var delete = SqlCommands.Create(unit.Connection, unit.Transaction, "DELETE FROM signature_crls WHERE issuer = @p0", info.Issuer))
        {
            await delete.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var insert = SqlCommands.Create(unit.Connection, unit.Transaction,
            "INSERT INTO signature_crls (issuer, this_update, uploaded_at, crl) VALUES (@p0, @p1, @p2, @p3)", info.Issuer, SqlTime.ToMicros(info.ThisUpdate), SqlTime.ToMicros(clock.Now), der))
        {
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        await unit.CommitAsync(cancellationToken);
        return info;
    }

    /// <summary>What the answer and the table name a CRL by; called after <see cref="RevocationLists.Add"/> accepted it as a signed CRL.</summary>
    private static CrlInfo Describe(byte[] der)
    {
        var crl = new Org.BouncyCastle.X509.X509CrlParser().ReadCrl(der);
        return new CrlInfo(crl.IssuerDN.ToString(), new DateTimeOffset(crl.ThisUpdate.ToUniversalTime(), TimeSpan.Zero), crl.GetRevokedCertificates()?.Count ?? 0);
    }

    private async Task<RevocationLists> ListsAsync(CancellationToken cancellationToken)
    {
        var now = clock.Now;
        if (lists is { } held && now - loadedAt < ReloadInterval)
        {
            return held;
        }

        await gate.WaitAsync(cancellationToken);
        try
        {
            if (lists is null || now - loadedAt >= ReloadInterval)
            {
                var fresh = new RevocationLists(anchors, intermediates);
                await using var connection = await dialect.OpenConnectionAsync(cancellationToken);
                await using var command = SqlCommands.Create(connection, null, "SELECT crl FROM signature_crls");
                await using var reader = await command.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                {
                    fresh.Add((byte[])reader.GetValue(0));
                }

                lists = fresh;
                loadedAt = now;
            }

            return lists;
        }
        finally
        {
            gate.Release();
        }
    }
}

/// <summary>Who signed, as the prescription row records it, and the server's time-stamp over what was signed.</summary>
public sealed record SignerInfo(HealthcareQualification Qualification, string Serial, string Subject, string TimeStamp);

/// <summary>An uploaded CRL: its issuer, when it was issued, how many certificates it revokes.</summary>
public sealed record CrlInfo(string Issuer, DateTimeOffset ThisUpdate, int Revoked);
