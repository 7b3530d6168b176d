using System.Buffers;
using TorRelay.Cells;

namespace TorRelay.Core.Channels;

/// <summary>
/// What a channel does with circuit cells (CREATE*, CREATED*, RELAY*, DESTROY): Core's circuit switch. Called on the
/// channel's read loop, one cell at a time; the payload is only valid until the returned task completes.
/// </summary>
public interface IChannelCellHandler
{
    /// <summary>Returns a reason to close the whole channel, or null.</summary>
    ValueTask<string?> HandleCellAsync(Channel channel, CellHeader header, ReadOnlySequence<byte> payload, CancellationToken ct);

    /// <summary>The channel closed: tear down every circuit on it.</summary>
    ValueTask OnChannelClosedAsync(Channel channel);
}
