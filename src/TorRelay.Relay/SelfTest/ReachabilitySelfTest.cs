using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using TorRelay.Cells.Link;
using TorRelay.Core.Channels;
using TorRelay.Core.Circuits.Origin;
using TorRelay.Crypto;

namespace TorRelay.Relay.SelfTest;

/// <summary>
/// C tor's ORPort self-test (selftest.c, circuituse.c, relay_periodic.c): until our advertised ORPorts are seen
/// reachable, build testing circuits through other relays that end at our own ORPort, on every new consensus and every
/// minute during the first 20 minutes, at most <see cref="ParallelTestingCircuits"/> at a time. Reachability itself is
/// noticed when a CREATE arrives on a channel the peer opened to the address we publish (<see cref="ReachabilityRule"/>).
/// Once reachable, four testing circuits carry RELAY_DROP cells (the bandwidth self-test). After 20 minutes without
/// success, warns every 20 minutes. AssumeReachable 1 skips all of it.
/// </summary>
public sealed partial class ReachabilitySelfTest
{
    /// <summary>NUM_PARALLEL_TESTING_CIRCS.</summary>
    public const int ParallelTestingCircuits = 4;

    /// <summary>TIMEOUT_UNTIL_UNREACHABILITY_COMPLAINT: how long we test every minute, and when we start warning.</summary>
    public static readonly TimeSpan UnreachabilityComplaint = TimeSpan.FromMinutes(20);

    /// <summary>EARLY_CHECK_REACHABILITY_INTERVAL.</summary>
    public static readonly TimeSpan EarlyCheckInterval = TimeSpan.FromSeconds(60);

    /// <summary>How long one check waits for the directory information a path needs (microdescriptors after a consensus).</summary>
    private static readonly TimeSpan PathPatience = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan PathRetry = TimeSpan.FromSeconds(5);

    /// <summary>How long bandwidth-test circuits stay open after their cells (C tor lets them expire when dirty).</summary>
    private static readonly TimeSpan BandwidthCircuitLinger = TimeSpan.FromMinutes(1);

    private readonly RelaySettings _settings;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly IRandomSource _random;
    private readonly Func<IPEndPoint, TestingPath?> _choosePath;
    private readonly Func<CircuitTarget, CancellationToken, Task<Channel>> _openChannel;
    private readonly Action _onReachable;
    private readonly DateTimeOffset _started;
    private readonly Lock _gate = new();
    private readonly List<OriginCircuit> _openTesting = new();
    private bool _reachableV4, _reachableV6, _informedV4, _informedV6, _bandwidthTested;
    private int _inFlight;

    /// <param name="choosePath">A path ending at the given ORPort of ours, or null while we lack the directory information.</param>
    /// <param name="openChannel">An authenticated channel to the entry hop (reused or new).</param>
    /// <param name="onReachable">Called once all our ORPorts are reachable: the descriptor may now be uploaded.</param>
    public ReachabilitySelfTest(RelaySettings settings, TimeProvider time, ILogger log, IRandomSource random,
        Func<IPEndPoint, TestingPath?> choosePath, Func<CircuitTarget, CancellationToken, Task<Channel>> openChannel, Action onReachable)
    {
        _settings = settings;
        _time = time;
        _log = log;
        _random = random;
        _choosePath = choosePath;
        _openChannel = openChannel;
        _onReachable = onReachable;
        _started = time.GetUtcNow();
    }

    private IPEndPoint? Ipv6OrPort => _settings.AdvertisedOrAddresses.FirstOrDefault(e => e.AddressFamily == AddressFamily.InterNetworkV6);

    private IReadOnlyList<IPAddress> Published => [_settings.AdvertisedOrPort.Address, .. _settings.AdvertisedOrAddresses.Select(e => e.Address)];

    /// <summary>
    /// router_orport_seems_reachable for one family: tested reachable, not advertised, or AssumeReachable (for IPv6
    /// also AssumeReachableIPv6 1; "auto" does not assume it).
    /// </summary>
    public bool SeemsReachable(AddressFamily family)
    {
        if (_settings.AssumeReachable) return true;
        if (family == AddressFamily.InterNetworkV6 && _settings.AssumeReachableIPv6 == true) return true;
        lock (_gate)
            return family == AddressFamily.InterNetworkV6 ? _reachableV6 || Ipv6OrPort is null : _reachableV4;
    }

    /// <summary>router_all_orports_seem_reachable: what gates the descriptor upload (decide_if_publishable_server).</summary>
    public bool AllSeemReachable => SeemsReachable(AddressFamily.InterNetwork) && SeemsReachable(AddressFamily.InterNetworkV6);

    /// <summary>The circuit switch answered a CREATE on <paramref name="channel"/> (onionskin_answer).</summary>
    public void OnCreateAnswered(Channel channel)
    {
        if (_settings.AssumeReachable || AllSeemReachable) return;
        if (ReachabilityRule.Evaluate(channel.Handshake, Published, _settings.ExtendAllowPrivateAddresses) is { } family)
        {
            LogNoticed(_log, channel.Describe());
            FoundReachable(family);
        }
    }

    /// <summary>router_orport_found_reachable: logs once per family and lets the descriptor go out.</summary>
    public void FoundReachable(AddressFamily family)
    {
        IPEndPoint? port = family == AddressFamily.InterNetworkV6 ? Ipv6OrPort : _settings.AdvertisedOrPort;
        if (port is null) return;
        lock (_gate)
        {
            ref bool flag = ref family == AddressFamily.InterNetworkV6 ? ref _reachableV6 : ref _reachableV4;
            if (flag) return;
            flag = true;
        }
        LogReachable(_log, port.ToString(), _settings.PublishDescriptor ? " Publishing server descriptor." : "");
        if (AllSeemReachable) _onReachable();
    }

    /// <summary>
    /// router_do_reachability_checks: a testing circuit per family not yet reachable, and, once reachable, more until
    /// four are open for the bandwidth test. Returns at once; circuits build in the background.
    /// </summary>
    public void CheckNow(CancellationToken ct)
    {
        if (_settings.AssumeReachable) return;
        bool needTesting;
        lock (_gate) needTesting = !_bandwidthTested;
        if (!SeemsReachable(AddressFamily.InterNetwork) || needTesting) Launch(_settings.AdvertisedOrPort, ct);
        if (Ipv6OrPort is { } v6 && (!SeemsReachable(AddressFamily.InterNetworkV6) || needTesting)) Launch(v6, ct);
    }

    /// <summary>Runs the periodic checks (every minute for the first 20 minutes) and the 20-minute warnings.</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        if (_settings.AssumeReachable) return;
        var nextWarning = _started + UnreachabilityComplaint;
        using var timer = new PeriodicTimer(EarlyCheckInterval, _time);
        CheckNow(ct);
        while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false))
        {
            var now = _time.GetUtcNow();
            if (now - _started < UnreachabilityComplaint) CheckNow(ct);
            if (now >= nextWarning)
            {
                nextWarning = now + UnreachabilityComplaint;
                WarnIfUnreachable();
            }
        }
    }

    private void WarnIfUnreachable()
    {
        var where = new List<string>();
        if (!SeemsReachable(AddressFamily.InterNetwork)) where.Add(_settings.AdvertisedOrPort.ToString());
        if (!SeemsReachable(AddressFamily.InterNetworkV6) && Ipv6OrPort is { } v6) where.Add(v6.ToString());
        if (where.Count > 0) LogNotConfirmed(_log, string.Join(" and ", where));
    }

    private void Launch(IPEndPoint orPort, CancellationToken ct)
    {
        if (Interlocked.Increment(ref _inFlight) > ParallelTestingCircuits)
        {
            Interlocked.Decrement(ref _inFlight);
            return;
        }
        _ = Task.Run(() => TestAsync(orPort, ct), CancellationToken.None);
    }

    private async Task TestAsync(IPEndPoint orPort, CancellationToken ct)
    {
        var family = orPort.AddressFamily;
        OriginCircuit? circuit = null;
        try
        {
            var path = await WaitForPathAsync(orPort, ct).ConfigureAwait(false);
            if (path is null)
            {
                LogNoPath(_log, orPort.ToString());
                return;
            }
            bool reachable = SeemsReachable(family);
            LogTesting(_log, reachable ? "bandwidth" : "reachability", family == AddressFamily.InterNetwork ? "IPv4" : "IPv6", orPort.ToString());
            if (!reachable) InformTesting(orPort);
            var channel = await _openChannel(path.Entry, ct).ConfigureAwait(false);
            circuit = await OriginCircuit.CreateAsync(channel, path.Entry, _random, ct).ConfigureAwait(false);
            await circuit.ExtendAsync(path.Middle, ct).ConfigureAwait(false);
            await circuit.ExtendAsync(path.Self, ct).ConfigureAwait(false);
            LogTestingOpened(_log, path.Entry.Describe(), path.Middle.Describe());
            if (OnTestingOpened(circuit, ct)) circuit = null;
        }
        catch (Exception e) when (e is OriginCircuitException or LinkHandshakeException or TlsFailure or IOException or SocketException
                                      || (e is OperationCanceledException && !ct.IsCancellationRequested))
        {
            // circuit_testing_failed
            if (!AllSeemReachable) LogTestingFailed(_log, e.Message);
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            if (circuit is not null) await circuit.DisposeAsync().ConfigureAwait(false);
            Interlocked.Decrement(ref _inFlight);
        }
    }

    /// <summary>Waits for the directory information a path needs, as C tor re-checks whenever new information arrives.</summary>
    private async Task<TestingPath?> WaitForPathAsync(IPEndPoint orPort, CancellationToken ct)
    {
        var until = _time.GetUtcNow() + PathPatience;
        while (true)
        {
            if (_choosePath(orPort) is { } path) return path;
            if (_time.GetUtcNow() >= until) return null;
            await Task.Delay(PathRetry, _time, ct).ConfigureAwait(false);
        }
    }

    /// <summary>inform_testing_reachability: the notice, once per family.</summary>
    private void InformTesting(IPEndPoint orPort)
    {
        bool v6 = orPort.AddressFamily == AddressFamily.InterNetworkV6;
        lock (_gate)
        {
            ref bool informed = ref v6 ? ref _informedV6 : ref _informedV4;
            if (informed) return;
            informed = true;
        }
        LogCheckingReachability(_log, v6 ? "IPv6" : "IPv4", orPort.ToString(), (int)UnreachabilityComplaint.TotalMinutes);
    }

    /// <summary>
    /// circuit_testing_opened: a circuit that opened before we were reachable (or after the bandwidth test) is closed;
    /// otherwise it is kept until four are open, which then carry the bandwidth test. True if the circuit was kept.
    /// </summary>
    private bool OnTestingOpened(OriginCircuit circuit, CancellationToken ct)
    {
        List<OriginCircuit>? ready = null;
        lock (_gate)
        {
            if (_bandwidthTested || !(_settings.AssumeReachable || _reachableV4)) return false;
            _openTesting.RemoveAll(c => c.IsClosed);
            _openTesting.Add(circuit);
            if (_openTesting.Count >= ParallelTestingCircuits)
            {
                _bandwidthTested = true;
                ready = [.. _openTesting];
                _openTesting.Clear();
            }
        }
        if (ready is not null) _ = Task.Run(() => BandwidthTestAsync(ready, ct), CancellationToken.None);
        else CheckNow(ct);
        return true;
    }

    /// <summary>router_perform_bandwidth_test: BandwidthRate × 10 bytes of RELAY_DROP cells, at most a circuit window, spread over the circuits.</summary>
    private async Task BandwidthTestAsync(List<OriginCircuit> circuits, CancellationToken ct)
    {
        long cells = Math.Min(_settings.BandwidthRate * 10 / 514, 1000);
        long perCircuit = cells / circuits.Count;
        LogBandwidthTest(_log);
        try
        {
            foreach (var c in circuits)
                for (long i = 0; i < perCircuit && !c.IsClosed; i++)
                    await c.SendDropAsync(ct).ConfigureAwait(false);
            await Task.Delay(BandwidthCircuitLinger, _time, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OriginCircuitException or OperationCanceledException)
        {
        }
        finally
        {
            foreach (var c in circuits) await c.DisposeAsync().ConfigureAwait(false);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Now checking whether {Family} ORPort {Address} is reachable... (this may take up to {Minutes} minutes -- look for log messages indicating success)")]
    private static partial void LogCheckingReachability(ILogger log, string family, string address, int minutes);

    [LoggerMessage(Level = LogLevel.Information, Message = "Self-testing indicates your ORPort {Address} is reachable from the outside. Excellent.{Publishing}")]
    private static partial void LogReachable(ILogger log, string address, string publishing);

    [LoggerMessage(Level = LogLevel.Debug, Message = "A CREATE from {Peer} on a channel it opened to our advertised address shows our ORPort reachable")]
    private static partial void LogNoticed(ILogger log, string peer);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Testing {Kind} of my {Family} ORPort: {Address}.")]
    private static partial void LogTesting(ILogger log, string kind, string family, string address);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Testing circuit through {Entry} and {Middle} to our ORPort is open")]
    private static partial void LogTestingOpened(ILogger log, string entry, string middle);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Our testing circuit (to see if your ORPort is reachable) has failed. I'll try again later. ({Reason})")]
    private static partial void LogTestingFailed(ILogger log, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "No testing circuit to {Address} yet: not enough directory information for a path")]
    private static partial void LogNoPath(ILogger log, string address);

    [LoggerMessage(Level = LogLevel.Information, Message = "Performing bandwidth self-test...done.")]
    private static partial void LogBandwidthTest(ILogger log);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Your server has not managed to confirm reachability for its ORPort(s) at {Where}. Relays do not publish descriptors until their ORPort and DirPort are reachable. Please check your firewalls, ports, address, /etc/hosts file, etc.")]
    private static partial void LogNotConfirmed(ILogger log, string where);
}
