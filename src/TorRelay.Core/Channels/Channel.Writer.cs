using System.Buffers;
using TorRelay.Cells;

namespace TorRelay.Core.Channels;

public sealed partial class Channel
{
    /// <summary>
    /// Cells written between flushes (four full TLS records). The transport's send side runs inline in the flush and
    /// pauses beyond a few records, so the backlog stays in the mux, where the EWMA order applies.
    /// </summary>
    private const int FlushCells = 4 * WriteBatchCells;

    private const int WriterIdle = 0;
    private const int WriterRunning = 1;
    private const int WriterNotStarted = 2;

    /// <summary>
    /// At most one writer at a time, on whichever thread started it; idle when the mux was found empty. Cells queued
    /// before <see cref="RunAsync"/> wait for it, so they leave in the mux's order.
    /// </summary>
    private int _writerState = WriterNotStarted;
    // Filled and emptied with no await in between, so one per thread serves every channel (not 272 bytes per channel).
    [ThreadStatic] private static byte[][]? t_writeBatch;
    private CellRun _writeRun; // the writer's, reported once per run of equal commands

    /// <summary>Lets writers run, and starts one for cells queued before the channel ran.</summary>
    private void EnableWriter()
    {
        if (Interlocked.CompareExchange(ref _writerState, WriterIdle, WriterNotStarted) == WriterNotStarted && _outbound.Count > 0)
            WriteDeferred();
    }

    private void ReportWritten(CellCommand command, int count)
    {
        _metrics?.CellSent(command, count);
        Padding?.CountWritten(command, count);
    }

    /// <summary>
    /// Called after each queued cell. Inside a read loop's batch the write waits for the batch's end (FlushScope);
    /// otherwise (timers, handshake workers, streams) a writer is started on the thread pool.
    /// </summary>
    private void RequestWrite()
    {
        // The cell is counted in the mux; a running writer finishing now must see it, or we must see it idle (a full
        // fence on each side: here, and the writer's exchange before it looks at the mux again).
        Interlocked.MemoryBarrier();
        if (Volatile.Read(ref _writerState) != WriterIdle) return;
        if (FlushScope.Current is { } scope) scope.Add(this);
        else if (Interlocked.CompareExchange(ref _writerState, WriterRunning, WriterIdle) == WriterIdle)
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
    }

    /// <summary>Writes what is queued now, on this thread, unless a writer is already running.</summary>
    internal void WriteDeferred()
    {
        if (Interlocked.CompareExchange(ref _writerState, WriterRunning, WriterIdle) == WriterIdle) RunWriter();
    }

    void IThreadPoolWorkItem.Execute() => RunWriter();

    private void RunWriter()
    {
        var writing = WriteQueuedAsync();
        if (!writing.IsCompletedSuccessfully) _ = ObserveWriterAsync(writing);
    }

    /// <summary>A writer that fails takes the channel down: otherwise its queue would fill and every circuit on it stall.</summary>
    private async Task ObserveWriterAsync(ValueTask writing)
    {
        try
        {
            await writing.ConfigureAwait(false);
        }
        catch (Exception e)
        {
            if (!IsClosed) LogChannelError(_log, Describe(), "write failed: " + e.GetBaseException().Message);
            await CloseAsync("write failed").ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Drains the mux into the transport in EWMA order, flushing every few records and at the end, then goes idle;
    /// a cell queued after the last look at the mux finds the writer idle and starts the next one.
    /// </summary>
    private async ValueTask WriteQueuedAsync()
    {
        var output = _link.Transport.Output;
        int cellLength = Cells.LinkVersion.FixedCellLength(LinkVersion);
        while (true)
        {
            int unflushed = 0, n;
            byte[][] batch;
            while ((n = _outbound.DequeueBatch(batch = t_writeBatch ??= new byte[WriteBatchCells][])) > 0)
            {
                Padding?.NoteTransfer();
                try
                {
                    for (int i = 0; i < n; i++)
                    {
                        var command = (CellCommand)batch[i][cellLength - Cells.LinkVersion.PayloadLength - 1];
                        if (_writeRun.Add(command, out var ended, out int count)) ReportWritten(ended, count);
                        output.Write(batch[i].AsSpan(0, cellLength));
                    }
                    if (_writeRun.Take(out var last, out int lastCount)) ReportWritten(last, lastCount);
                }
                finally
                {
                    for (int i = 0; i < n; i++) _cells.Return(batch[i]);
                    Array.Clear(batch, 0, n);
                }
                unflushed += n;
                if (unflushed >= FlushCells)
                {
                    unflushed = 0;
                    if (!await FlushAsync(output).ConfigureAwait(false)) return;
                }
            }
            if (unflushed > 0 && !await FlushAsync(output).ConfigureAwait(false)) return;
            Interlocked.Exchange(ref _writerState, WriterIdle);
            if (_outbound.Count == 0 || Interlocked.CompareExchange(ref _writerState, WriterRunning, WriterIdle) != WriterIdle)
                return;
        }
    }

    /// <summary>False once the transport will take no more (it closed): the writer stays stopped and the channel closes.</summary>
    private async ValueTask<bool> FlushAsync(System.IO.Pipelines.PipeWriter output)
    {
        var flushed = await output.FlushAsync(_closed.Token).ConfigureAwait(false);
        if (!flushed.IsCompleted && !flushed.IsCanceled) return true;
        await CloseAsync("transport closed").ConfigureAwait(false);
        return false;
    }
}
