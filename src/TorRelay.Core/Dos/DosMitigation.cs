using System.Buffers.Binary;
using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using TorRelay.Crypto;

namespace TorRelay.Core.Dos;

/// <summary>
/// C tor's relay DoS mitigation (core/or/dos.c) for one relay: per-address connection limits (concurrent count and
/// connect rate) and circuit-creation rate limiting. Thread-safe; all state is this instance's.
/// <para>
/// Call <see cref="OnClientConnection"/> for every accepted ORPort connection, before TLS: C tor 0.4.8+ counts every
/// inbound connection, known relays included (test_dos.c "known_relay"). Call the circuit methods only for client
/// channels, those whose peer never authenticated (C tor's channel_is_client).
/// </para>
/// Memory stays bounded: an address is forgotten once it has no open connection, no live mark and full buckets,
/// i.e. when a fresh entry would behave the same (C tor's geoip client cache expires its entries similarly).
/// </summary>
public sealed partial class DosMitigation
{
    /// <summary>How often idle addresses are swept out, as a side effect of new connections.</summary>
    public static readonly TimeSpan SweepInterval = TimeSpan.FromMinutes(1);

    private readonly Lock _gate = new();
    private readonly Dictionary<DosAddressKey, DosClientStats> _clients = [];
    private readonly TimeProvider _time;
    private readonly IRandomSource _random;
    private readonly ILogger _log;
    private DosOptions _options;
    private long _lastSweep;

    private long _circuitRejected;
    private long _markedAddress;
    private long _markedAddressMaxq;
    private long _connRejected;
    private long _concurrentConnRejected;
    private long _circuitKilledMaxCell;
    private long _circuitKilledMaxCellOutq;

    public DosMitigation(DosOptions options, TimeProvider? time = null, IRandomSource? random = null, ILogger? log = null)
    {
        _options = options;
        _time = time ?? TimeProvider.System;
        _random = random ?? SystemRandom.Instance;
        _log = log ?? NullLogger.Instance;
        _lastSweep = MonotonicNow();
    }

    /// <summary>The settings in force; replace on a new consensus or a torrc reload (C tor's set_dos_parameters).</summary>
    public DosOptions Options
    {
        get => Volatile.Read(ref _options);
        set => Volatile.Write(ref _options, value ?? throw new ArgumentNullException(nameof(value)));
    }

    /// <summary>Addresses currently remembered.</summary>
    public int TrackedAddresses
    {
        get { lock (_gate) return _clients.Count; }
    }

    public DosStats Stats
    {
        get
        {
            lock (_gate)
            {
                return new DosStats(_circuitRejected, Interlocked.Read(ref _circuitKilledMaxCell),
                    Interlocked.Read(ref _circuitKilledMaxCellOutq), _markedAddress, _markedAddressMaxq,
                    _connRejected, _concurrentConnRejected);
            }
        }
    }

    /// <summary>
    /// A connection from <paramref name="address"/> was just accepted (C tor's dos_conn_addr_get_defense_type, then
    /// dos_new_client_conn). False: close it now; it was not counted, so do not report its close. True: it is
    /// counted; call <see cref="OnClientConnectionClosed"/> once when it closes.
    /// </summary>
    public bool OnClientConnection(IPAddress address)
    {
        var o = Options;
        long now = WallNow(), mono = MonotonicNow();
        var key = DosAddressKey.From(address);
        lock (_gate)
        {
            _clients.TryGetValue(key, out var entry);
            if (o.ConnectionEnabled && entry is not null &&
                ConnectionDefense(entry, o, now) == DosConnectionDefenseType.Close)
                return false;
            if (entry is null)
            {
                entry = new DosClientStats(o.ConnectionConnectBurst, mono);
                _clients.Add(key, entry);
            }
            // Counted even while disabled, so the count is right if the consensus enables the defenses later.
            entry.ConcurrentCount++;
            if (o.Enabled) UpdateConnectRate(entry, o, now, mono);
            if (mono - _lastSweep >= (long)SweepInterval.TotalSeconds) SweepLocked(now, mono, o);
        }
        return true;
    }

    /// <summary>A connection counted by <see cref="OnClientConnection"/> has closed (dos_close_client_conn).</summary>
    public void OnClientConnectionClosed(IPAddress address)
    {
        var o = Options;
        var key = DosAddressKey.From(address);
        lock (_gate)
        {
            // An unknown address or a zero count would be a caller bug; C tor ignores it too rather than underflow.
            if (!_clients.TryGetValue(key, out var entry) || entry.ConcurrentCount == 0) return;
            entry.ConcurrentCount--;
            if (entry.ConcurrentCount == 0 && entry.IsIdle(WallNow(), MonotonicNow(), o)) _clients.Remove(key);
        }
    }

    /// <summary>
    /// A CREATE, CREATE_FAST or CREATE2 cell arrived on a client channel from <paramref name="address"/>, valid or not
    /// (dos_cc_new_create_cell): spend a token and mark the address once its bucket is empty while it holds at least
    /// DoSCircuitCreationMinConnections connections. A marked address that keeps going is marked for longer.
    /// </summary>
    public void OnCreateCell(IPAddress address)
    {
        var o = Options;
        if (!o.CircuitCreationEnabled) return;
        long now = WallNow();
        var key = DosAddressKey.From(address);
        lock (_gate)
        {
            // Addresses we never saw connect (cannot happen for inbound channels) are not tracked, as in C tor.
            if (!_clients.TryGetValue(key, out var entry)) return;
            entry.RefillCircuitBucket(now, o.CircuitCreationRate, o.CircuitCreationBurst);
            if (entry.CircuitBucket > 0) entry.CircuitBucket--;
            if (entry.CircuitBucket != 0 || entry.ConcurrentCount < o.CircuitCreationMinConnections) return;
            if (entry.CircuitMarkedUntil == 0)
            {
                _markedAddress++;
                LogCircuitDosDetected(_log);
            }
            entry.CircuitMarkedUntil = MarkUntil(now, o.CircuitCreationDefenseTimePeriod);
        }
    }

    /// <summary>
    /// Whether to process a CREATE cell from a client channel (dos_cc_get_defense_type); false: answer DESTROY with
    /// reason RESOURCELIMIT. Call after <see cref="OnCreateCell"/> and after the checks that drop the cell silently.
    /// </summary>
    public bool AllowCreate(IPAddress address)
    {
        var o = Options;
        if (!o.CircuitCreationEnabled) return true;
        long now = WallNow();
        var key = DosAddressKey.From(address);
        lock (_gate)
        {
            if (!_clients.TryGetValue(key, out var entry) || !entry.IsCircuitMarked(now)) return true;
            // Counted even with defense type 1 (none), as C tor does.
            _circuitRejected++;
            return o.CircuitCreationDefenseType != DosCircuitDefenseType.RefuseCell;
        }
    }

    /// <summary>
    /// A circuit from this client channel filled its outbound cell queue (dos_note_circ_max_outq): after
    /// dos_num_circ_max_outq such events the address is marked as for a circuit-creation DoS.
    /// </summary>
    public void NoteCircMaxOutq(IPAddress address)
    {
        var o = Options;
        if (!o.CircuitCreationEnabled || o.NumCircMaxOutq == 0) return;
        long now = WallNow();
        var key = DosAddressKey.From(address);
        lock (_gate)
        {
            if (!_clients.TryGetValue(key, out var entry) || entry.IsCircuitMarked(now)) return;
            if (++entry.NumCircMaxCellQueueSize < o.NumCircMaxOutq) return;
            if (entry.CircuitMarkedUntil == 0) _markedAddressMaxq++;
            LogMaxOutqDetected(_log);
            entry.CircuitMarkedUntil = MarkUntil(now, o.CircuitCreationDefenseTimePeriod);
            entry.NumCircMaxCellQueueSize = 0;
        }
    }

    /// <summary>A circuit was closed for queueing too many cells inbound (relay.c stats_n_circ_max_cell_reached).</summary>
    public void NoteCircuitKilledMaxCell() => Interlocked.Increment(ref _circuitKilledMaxCell);

    /// <summary>A circuit was closed for queueing too many cells outbound (stats_n_circ_max_cell_outq_reached).</summary>
    public void NoteCircuitKilledMaxCellOutq() => Interlocked.Increment(ref _circuitKilledMaxCellOutq);

    /// <summary>Forgets every idle address now; returns how many. Also runs by itself every <see cref="SweepInterval"/>.</summary>
    public int Sweep()
    {
        var o = Options;
        lock (_gate) return SweepLocked(WallNow(), MonotonicNow(), o);
    }

    private int SweepLocked(long now, long mono, DosOptions o)
    {
        _lastSweep = mono;
        int removed = 0;
        foreach (var (key, entry) in _clients)
        {
            // Removing the current entry while enumerating is allowed for Dictionary since .NET Core 3.0.
            if (entry.IsIdle(now, mono, o) && _clients.Remove(key)) removed++;
        }
        return removed;
    }

    /// <summary>The accept-time part of dos_conn_addr_get_defense_type; counts what it refuses.</summary>
    private DosConnectionDefenseType ConnectionDefense(DosClientStats entry, DosOptions o, long now)
    {
        if (entry.ConnectMarkedUntil != 0 && entry.ConnectMarkedUntil >= now)
        {
            _connRejected++;
            return o.ConnectionDefenseType;
        }
        // Expired: clear it so a new burst can mark the address again.
        entry.ConnectMarkedUntil = 0;
        if (entry.ConcurrentCount > o.ConnectionMaxConcurrentCount)
        {
            _concurrentConnRejected++;
            return o.ConnectionDefenseType;
        }
        return DosConnectionDefenseType.None;
    }

    /// <summary>conn_update_on_connect: spend a connect token; the connection taking the last one marks the address.</summary>
    private void UpdateConnectRate(DosClientStats entry, DosOptions o, long now, long mono)
    {
        entry.RefillConnectBucket(mono, o.ConnectionConnectRate, o.ConnectionConnectBurst);
        if (entry.ConnectTokens > 0) entry.ConnectTokens--;
        // Only an unmarked address is marked, so a flood cannot keep extending its own ban.
        if (entry.ConnectTokens == 0 && entry.ConnectMarkedUntil == 0)
            entry.ConnectMarkedUntil = MarkUntil(now, o.ConnectionConnectDefenseTimePeriod);
    }

    /// <summary>
    /// now + period + a random 1 .. period/2 - 1 seconds (crypto_rand_int_range(1, period / 2)), so the end is hard
    /// to predict. C tor asserts period/2 > 1; for shorter periods we add 1 second.
    /// </summary>
    private long MarkUntil(long now, TimeSpan period)
    {
        long seconds = (long)period.TotalSeconds;
        long half = seconds / 2;
        return now + seconds + (half > 1 ? 1 + RandomBelow((ulong)(half - 1)) : 1);
    }

    private long RandomBelow(ulong bound)
    {
        Span<byte> bytes = stackalloc byte[8];
        _random.Fill(bytes);
        // A 64-bit draw reduced modulo a bound below 2^31: the bias is under 2^-33.
        return (long)(BinaryPrimitives.ReadUInt64LittleEndian(bytes) % bound);
    }

    private long WallNow() => _time.GetUtcNow().ToUnixTimeSeconds();

    private long MonotonicNow() => _time.GetTimestamp() / _time.TimestampFrequency;

    [LoggerMessage(Level = LogLevel.Debug, Message = "Detected circuit creation DoS by a client address")]
    private static partial void LogCircuitDosDetected(ILogger log);

    [LoggerMessage(Level = LogLevel.Information, Message = "Detected outbound max circuit queue from a client address")]
    private static partial void LogMaxOutqDetected(ILogger log);
}
