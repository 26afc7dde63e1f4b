using System.IO.Compression;
using Kakehashi.Fhir.Storage.Sql;
using Kakehashi.Platform.Prescriptions.DrugMaster;

namespace Kakehashi.Platform.Prescriptions;

/// <summary>
/// The drug master in force. The shipped price list answers until an operator loads a newer one
/// (<c>drug_master_versions</c>); a load is a versioned event: every server swaps to the newest
/// version within <see cref="PollInterval"/> — the one that loaded it at once — with no restart,
/// and every check names the version that answered it. A check that has started keeps the version
/// it started with.
/// </summary>
public sealed class DrugMasterProvider(SqlDialect dialect, TimeProvider time) : IDisposable
{
    /// <summary>How stale another server's load may be here: one cheap primary-key query per interval.</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(5);

    private readonly SemaphoreSlim gate = new(1, 1);
    private DrugMasterVersion? current;
    private DateTimeOffset polledAt = DateTimeOffset.MinValue;

    public async Task<DrugMasterVersion> CurrentAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (current is { } version && now - polledAt < PollInterval)
        {
            return version;
        }

        await gate.WaitAsync(cancellationToken);
        try
        {
            if (current is null || now - polledAt >= PollInterval)
            {
                current = await NewestAsync(current, cancellationToken);
                polledAt = now;
            }

            return current;
        }
        finally
        {
            gate.Release();
        }
    }

    public void Dispose() => gate.Dispose();

    /// <summary>Makes a version just stored the one in force on this server.</summary>
    public void Use(DrugMasterVersion version)
    {
        current = version;
        polledAt = time.GetUtcNow();
    }

    /// <summary>Reads a price list in the published layout and the shipped supplement into a version; refuses a file it cannot read.</summary>
    public static DrugMasterVersion Parse(byte[] csv, string version, DateOnly publishedOn)
    {
        using var supplement = DrugMasterVersion.OpenEmbeddedSupplement();
        return DrugMasterVersion.Load(new MemoryStream(csv), supplement, version, publishedOn);
    }

    private async Task<DrugMasterVersion> NewestAsync(DrugMasterVersion? have, CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenConnectionAsync(cancellationToken);
        string? newest = null;
        string? publishedOn = null;
        await using (var find = SqlCommands.Create(connection, null, "SELECT version, published_on FROM drug_master_versions ORDER BY loaded_at DESC LIMIT 1"))
        await using (var reader = await find.ExecuteReaderAsync(cancellationToken))
        {
            if (await reader.ReadAsync(cancellationToken))
            {
                newest = reader.GetString(0);
                publishedOn = reader.GetString(1);
            }
        }

        if (newest is null)
        {
            return DrugMasterVersion.Embedded();
        }

        if (have?.Version == newest)
        {
            return have;
        }

        await using var load = SqlCommands.Create(connection, null, "SELECT price_list FROM drug_master_versions WHERE version = @p0", newest);
        var packed = (byte[])(await load.ExecuteScalarAsync(cancellationToken))!;
        using var unzip = new GZipStream(new MemoryStream(packed), CompressionMode.Decompress);
        using var csv = new MemoryStream();
        await unzip.CopyToAsync(csv, cancellationToken);
        return Parse(csv.ToArray(), newest, PrescriptionStore.ParseDay(publishedOn!));
    }
}
