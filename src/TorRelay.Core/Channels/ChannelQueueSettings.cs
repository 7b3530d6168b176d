namespace TorRelay.Core.Channels;

/// <summary>
/// How every channel queues outbound cells: the shared EWMA policy, memory budget and cell buffers, and the two bounds
/// that make senders wait. Made once by the host and passed to each channel.
/// </summary>
/// <param name="CircuitQueueCells">
/// Cells one circuit may have queued on one channel before its sender waits. At the circuit window (1000), a circuit
/// that obeys SENDME flow control never waits on its own queue; one that ignores it is pushed back on by itself.
/// </param>
/// <param name="ChannelQueueCells">Cells queued on one channel, all circuits together, before any sender waits (~1 MiB).</param>
public sealed record ChannelQueueSettings(
    EwmaPolicy Ewma,
    QueueMemoryBudget? Budget = null,
    int CircuitQueueCells = ChannelQueueSettings.DefaultCircuitQueueCells,
    int ChannelQueueCells = ChannelQueueSettings.DefaultChannelQueueCells)
{
    public const int DefaultCircuitQueueCells = 1000;
    public const int DefaultChannelQueueCells = 2048;

    /// <summary>The buffers cells are rented from and returned to, shared by the channels these settings are given to.</summary>
    public CellPool Cells { get; init; } = new();
}
