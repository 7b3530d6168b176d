using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using TorRelay.Cells;
using TorRelay.Core.Channels;
using TorRelay.Core.Streams;
using TorRelay.Crypto.Relay;

namespace TorRelay.Core.Circuits;

/// <summary>
/// A circuit through this relay: the previous hop's channel and circuit ID, our tor1 crypto layer, and (once
/// extended) the next hop's channel and ID. Forward cells are handled on the previous channel's read loop, backward
/// cells on the next channel's; the backward crypto is also used for cells we originate, hence its lock.
/// </summary>
public sealed class RelayCircuit
{
    /// <summary>tor-spec §5.6: at most 8 RELAY_EARLY cells travel forward on a circuit.</summary>
    public const int MaxRelayEarly = 8;

    // Made on first use: most circuits through a relay are neither exits nor ends of streams, and these three cost
    // more than the rest of the circuit (ConcurrentDictionary and ConcurrentQueue allocate their tables up front).
    private ConcurrentDictionary<ushort, EdgeStream>? _streams;
    private ConcurrentQueue<byte[]>? _expectedSendmeDigests;
    private SemaphoreSlim? _backwardGate;

    /// <param name="congestion">Congestion control negotiated at CREATE2; null keeps the fixed SENDME windows.</param>
    public RelayCircuit(Channel previous, CircId previousId, RelayCryptoLayer crypto, CircuitCongestion? congestion = null)
    {
        Previous = previous;
        PreviousId = previousId;
        Crypto = crypto;
        Congestion = congestion;
    }

    public Channel Previous { get; }
    public CircId PreviousId { get; }
    public RelayCryptoLayer Crypto { get; }
    public object BackwardLock { get; } = new();

    /// <summary>Serialises backward encryption with queueing, so cells reach the client in keystream order.</summary>
    public SemaphoreSlim BackwardGate => LazyInitializer.EnsureInitialized(ref _backwardGate, static () => new SemaphoreSlim(1, 1));

    public Channel? Next { get; private set; }
    public CircId NextId { get; private set; }

    /// <summary>Set while an EXTEND is waiting for CREATED2 on the next channel.</summary>
    public TaskCompletionSource<byte[]?>? PendingCreated { get; set; }

    public int RelayEarlySeen { get; set; }

    /// <summary>Relay cells switched on this circuit (either way, approximately), to time one in <see cref="SwitchTimingInterval"/>.</summary>
    public int CellsSwitched;

    /// <summary>The cell-switch latency metric times one cell in this many: two clock reads per cell cost more than the switch.</summary>
    public const int SwitchTimingInterval = 16;

    public const int CircuitWindow = 1000;
    public const int CircuitIncrement = 100;

    /// <summary>Congestion control (proposal 324) if the client negotiated it; it then replaces <see cref="PackageWindow"/>.</summary>
    public CircuitCongestion? Congestion { get; }

    /// <summary>DATA cells per circuit SENDME, both ways: cc_sendme_inc with congestion control, else 100.</summary>
    public int SendmeIncrement => Congestion?.SendmeIncrement ?? CircuitIncrement;

    /// <summary>Our cells queued towards the client now.</summary>
    public int QueuedBackwardCells => (int)Math.Min(Previous.Mux.QueuedBytes(this) / CellPool.CellLength, int.MaxValue);

    /// <summary>DATA cells we may still originate towards the client before its next circuit SENDME (without CC).</summary>
    public SendWindow PackageWindow { get; } = new(CircuitWindow, CircuitIncrement);

    /// <summary>Remembers the digest of a SENDME-acknowledged DATA cell we sent (each 100th, or per CC's increment), which
    /// an authenticated SENDME (v1) must echo (prop 289).</summary>
    public void ExpectSendmeDigest(byte[] digest) => LazyInitializer.EnsureInitialized(ref _expectedSendmeDigests).Enqueue(digest);

    /// <summary>The oldest digest a SENDME must echo, if we sent a cell that asks for one.</summary>
    public bool TryTakeExpectedSendmeDigest([NotNullWhen(true)] out byte[]? digest)
    {
        digest = null;
        return _expectedSendmeDigests?.TryDequeue(out digest) == true;
    }

    /// <summary>DATA cells we have sent and received at this hop (for SENDME bookkeeping).</summary>
    public long DataPackaged { get; set; }
    public long DataDelivered { get; set; }

    /// <summary>Adds a stream that ends at this hop; false if its ID is taken.</summary>
    public bool TryAddStream(ushort id, EdgeStream stream) => LazyInitializer.EnsureInitialized(ref _streams).TryAdd(id, stream);

    public bool TryGetStream(ushort id, [NotNullWhen(true)] out EdgeStream? stream)
    {
        stream = null;
        return _streams?.TryGetValue(id, out stream) == true;
    }

    public bool HasStream(ushort id) => _streams?.ContainsKey(id) == true;

    public int StreamCount => _streams?.Count ?? 0;

    public bool TryRemoveStream(ushort id, [NotNullWhen(true)] out EdgeStream? stream)
    {
        stream = null;
        return _streams?.TryRemove(id, out stream) == true;
    }

    /// <summary>Takes every stream off the circuit (it is closing).</summary>
    public IReadOnlyList<EdgeStream> RemoveAllStreams()
    {
        if (_streams is not { } streams) return [];
        var all = new List<EdgeStream>();
        foreach (ushort id in streams.Keys)
            if (streams.TryRemove(id, out var stream)) all.Add(stream);
        return all;
    }

    public bool IsClosed { get; private set; }

    public void SetNext(Channel next, CircId id)
    {
        Next = next;
        NextId = id;
    }

    public void ClearNext()
    {
        Next = null;
        NextId = default;
    }

    /// <summary>Marks the circuit closed; true only for the first caller, who does the teardown.</summary>
    public bool TryClose()
    {
        lock (BackwardLock)
        {
            if (IsClosed) return false;
            IsClosed = true;
            return true;
        }
    }
}

/// <summary>Which end of a <see cref="RelayCircuit"/> a channel's circuit ID names.</summary>
public sealed record CircuitLeg(RelayCircuit Circuit, bool IsPrevious);
