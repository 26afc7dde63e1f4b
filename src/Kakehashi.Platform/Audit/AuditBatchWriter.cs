using System.Threading.Channels;

namespace Kakehashi.Platform.Audit;

/// <summary>
/// Group commit for the audit rows that are not part of a write (reads, searches, refusals).
/// Requests hand their rows to one background writer and wait; the writer takes everything
/// queued into one transaction — one chain lock, one read of the chain's head, multi-row
/// inserts, one commit (one fsync) — and completes each waiting request only after that
/// commit. Under load a batch forms by itself while the previous one commits, so one commit
/// serves every request that arrived meanwhile; a lone request waits for one commit, as before.
/// </summary>
internal sealed class AuditBatchWriter : IAsyncDisposable, IDisposable
{
    // Bounds one transaction; a single request's rows are never split across transactions.
    private const int MaxRowsPerBatch = 2000;

    private readonly Channel<Pending> queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Func<IReadOnlyList<AuditRecord>, Task> appendInOwnTransaction;
    private readonly Task pump;

    /// <param name="appendInOwnTransaction">Appends rows in a transaction of its own and returns once it committed durably.</param>
    public AuditBatchWriter(Func<IReadOnlyList<AuditRecord>, Task> appendInOwnTransaction)
    {
        this.appendInOwnTransaction = appendInOwnTransaction;
        pump = Task.Run(PumpAsync);
    }

    /// <summary>Completes when the rows are committed durably; fails if they could not be stored.</summary>
    public Task AppendAsync(IReadOnlyList<AuditRecord> records, CancellationToken cancellationToken)
    {
        var pending = new Pending(records);
        if (!queue.Writer.TryWrite(pending))
        {
            throw new InvalidOperationException("The audit trail is shut down; this access cannot be recorded.");
        }

        // A caller that stops waiting (client gone) does not withdraw its rows: they are written all the same.
        return pending.Completion.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Stops taking rows and returns once everything already queued is written.</summary>
    public async ValueTask DisposeAsync()
    {
        queue.Writer.TryComplete();
        await pump;
    }

    public void Dispose()
    {
        queue.Writer.TryComplete();
        pump.GetAwaiter().GetResult();
    }

    private async Task PumpAsync()
    {
        var batch = new List<Pending>();
        var reader = queue.Reader;
        while (await reader.WaitToReadAsync())
        {
            var rows = 0;
            while (rows < MaxRowsPerBatch && reader.TryRead(out var next))
            {
                batch.Add(next);
                rows += next.Records.Count;
            }

            await WriteAsync(batch);
            batch.Clear();
        }
    }

    private async Task WriteAsync(List<Pending> batch)
    {
        try
        {
            await appendInOwnTransaction(batch.Count == 1 ? batch[0].Records : [.. batch.SelectMany(p => p.Records)]);
            foreach (var pending in batch)
            {
                pending.Completion.TrySetResult();
            }

            return;
        }
        catch (Exception e) when (batch.Count == 1)
        {
            batch[0].Completion.TrySetException(e);
            return;
        }
        catch (Exception)
        {
            // Retried one request at a time below, so that rows which cannot be stored fail only their own request.
        }

        foreach (var pending in batch)
        {
            try
            {
                await appendInOwnTransaction(pending.Records);
                pending.Completion.TrySetResult();
            }
            catch (Exception e)
            {
                pending.Completion.TrySetException(e);
            }
        }
    }

    private sealed class Pending(IReadOnlyList<AuditRecord> records)
    {
        public IReadOnlyList<AuditRecord> Records => records;

        // Continuations run elsewhere: the writer goes straight on to the next batch.
        public TaskCompletionSource Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
