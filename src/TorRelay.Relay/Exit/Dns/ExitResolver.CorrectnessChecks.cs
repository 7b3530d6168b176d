using System.Net;
using Microsoft.Extensions.Logging;
using TorRelay.Crypto;

namespace TorRelay.Relay.Exit.Dns;

/// <summary>
/// C tor's DNS correctness checks (ServerDNSDetectHijacking). relay_periodic.c's check_dns_honesty_callback runs while
/// we are a public relay whose exit policy is not "reject *:*": the first time it only waits 60–179 seconds, after that
/// it launches the checks and comes back in 12–24 hours; a failed precondition is retried each second. A check asks
/// for 24 random names that should not exist (dns_launch_wildcard_checks) and, 30 seconds later, for each of
/// ServerDNSTestAddresses (launch_test_addresses); <see cref="WildcardTracker"/> judges the answers.
/// </summary>
public sealed partial class ExitResolver
{
    /// <summary>check_dns_honesty_callback: the checks run again after this plus up to as long again.</summary>
    public static readonly TimeSpan HonestyCheckInterval = TimeSpan.FromHours(12);
    /// <summary>"Don't launch right when we start": the first check waits this plus up to two more minutes.</summary>
    public static readonly TimeSpan FirstHonestyCheckDelay = TimeSpan.FromSeconds(60);
    /// <summary>dns_launch_correctness_checks: time for the probes' answers before the test addresses are asked.</summary>
    public static readonly TimeSpan TestAddressDelay = TimeSpan.FromSeconds(30);
    /// <summary>PERIODIC_EVENT_NO_UPDATE: a periodic event whose precondition failed runs again a second later.</summary>
    private static readonly TimeSpan PreconditionRetry = TimeSpan.FromSeconds(1);
    private const uint FirstHonestyCheckSpreadSeconds = 120;
    /// <summary>N_WILDCARD_CHECKS: each probe shape is asked this many times per record type (A, AAAA).</summary>
    private const int ProbesPerShape = 2;
    private const int ProbeMaxLength = 16;
    /// <summary>dns_launch_wildcard_checks: shortest random part and suffix of each probe name.</summary>
    private static readonly (int MinLength, string Suffix)[] ProbeShapes =
        [(2, ".invalid"), (2, ".test"), (8, ""), (8, ".com"), (8, ".org"), (8, ".net")];

    private readonly ITimer _honestyTimer;
    private readonly ITimer _testAddressTimer;
    private Func<bool> _isPublicExit = () => false;
    private Action _brokenChanged = () => { };
    private int _honestyFirstTime = 1;
    private volatile bool _checksStarted;

    /// <summary>
    /// dns_seems_to_be_broken: most test addresses got a hijacker's junk address. While true C tor publishes
    /// "reject *:*" (router_build_fresh_unsigned_routerinfo) and stops checking, until the nameservers are reconfigured.
    /// </summary>
    public bool DnsSeemsBroken => _wildcards.SeemsBroken;

    /// <summary>The probes of the latest check; complete once all are answered and judged.</summary>
    public Task WildcardChecks { get; private set; } = Task.CompletedTask;

    /// <summary>The test-address lookups of the latest check; complete once all are answered and judged.</summary>
    public Task TestAddressChecks { get; private set; } = Task.CompletedTask;

    /// <summary>
    /// Starts the periodic checks (nothing with ServerDNSDetectHijacking 0). <paramref name="isPublicExit"/>:
    /// public_server_mode and an exit policy that is not "reject *:*". <paramref name="brokenChanged"/> runs when
    /// <see cref="DnsSeemsBroken"/> changes, so the descriptor can be rebuilt (mark_my_descriptor_dirty).
    /// </summary>
    public void StartCorrectnessChecks(Func<bool> isPublicExit, Action brokenChanged)
    {
        if (!_options.DetectHijacking) return;
        _isPublicExit = isPublicExit;
        _brokenChanged = brokenChanged;
        _checksStarted = true;
        Rearm(_honestyTimer, TimeSpan.Zero);
    }

    /// <summary>dns_launch_correctness_checks: the probes now, the test addresses after <see cref="TestAddressDelay"/>.</summary>
    public void LaunchCorrectnessChecks()
    {
        if (!_options.DetectHijacking) return;
        LogLaunchingProbes(_log);
        var probes = new List<Task>();
        foreach (var type in (ReadOnlySpan<DnsRecordType>)[DnsRecordType.A, DnsRecordType.Aaaa])
        {
            for (int i = 0; i < ProbesPerShape; i++)
            {
                foreach (var (minLength, suffix) in ProbeShapes)
                    probes.Add(ProbeAsync(RandomHostname.Create(_random, minLength, ProbeMaxLength, "", suffix), type));
            }
        }
        WildcardChecks = Task.WhenAll(probes);
        Rearm(_testAddressTimer, TestAddressDelay);
    }

    private void HonestyCheckDue()
    {
        TimeSpan next;
        if (!_isPublicExit() || IsConfigBroken || DnsSeemsBroken)
            next = PreconditionRetry; // our published policy is reject *:*: no exit to check
        else if (Interlocked.Exchange(ref _honestyFirstTime, 0) == 1)
            next = FirstHonestyCheckDelay + TimeSpan.FromSeconds(DnsTtl.UniformBelow(_random, FirstHonestyCheckSpreadSeconds));
        else
        {
            LaunchCorrectnessChecks();
            next = HonestyCheckInterval +
                   TimeSpan.FromSeconds(DnsTtl.UniformBelow(_random, (uint)HonestyCheckInterval.TotalSeconds));
        }
        Rearm(_honestyTimer, next);
    }

    /// <summary>launch_test_addresses: A and AAAA for each, as client lookups are made (counted, not cached).</summary>
    private void LaunchTestAddresses()
    {
        LogLaunchingTestAddresses(_log);
        var lookups = new List<Task>();
        foreach (string address in _options.TestAddressList)
        {
            string name = address.ToLowerInvariant();
            lookups.Add(TestLookupAsync(name, DnsRecordType.A));
            lookups.Add(TestLookupAsync(name, DnsRecordType.Aaaa));
        }
        TestAddressChecks = Task.WhenAll(lookups);
    }

    /// <summary>launch_wildcard_check: one lookup, without the search list, of a name that should not exist.</summary>
    private async Task ProbeAsync(string name, DnsRecordType type)
    {
        LogProbing(_log, name);
        if (Volatile.Read(ref _config).Conf is not { } conf) return;
        try
        {
            var (outcome, response) =
                await _client.LookupAsync(conf, name, type, _stopping.Token, search: false).ConfigureAwait(false);
            _wildcards.NoteProbeAnswer(name, outcome, response?.Addresses ?? []);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogLookupFailed(_log, e);
        }
        catch (OperationCanceledException)
        {
            // Shutting down.
        }
    }

    private async Task TestLookupAsync(string name, DnsRecordType type)
    {
        try
        {
            await LookupAsync(name, type).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogLookupFailed(_log, e);
        }
        catch (OperationCanceledException)
        {
            // Shutting down.
        }
    }

    /// <summary>
    /// evdns_callback: an A or AAAA answer whose first address is wildcarded is "not found"; for a test address that
    /// also counts towards DNS seeming broken.
    /// </summary>
    private bool IsHijacked(string name, IPAddress first)
    {
        if (!_wildcards.IsWildcarded(first)) return false;
        LogTreatedAsFailure(_log, first);
        if (_wildcards.IsTestAddress(name) && _wildcards.NoteWildcardedTestAddress(name)) _brokenChanged();
        return true;
    }

    /// <summary>dns_servers_relaunch_checks: nameservers (re)configured, so forget what we learnt and check soon.</summary>
    private void RelaunchCorrectnessChecks()
    {
        bool wasBroken = _wildcards.Reset();
        if (_checksStarted) Rearm(_honestyTimer, PreconditionRetry);
        if (wasBroken) _brokenChanged();
    }

    private void Rearm(ITimer timer, TimeSpan due)
    {
        if (_stopping.IsCancellationRequested) return;
        try
        {
            timer.Change(due, Timeout.InfiniteTimeSpan);
        }
        catch (ObjectDisposedException)
        {
            // Disposed meanwhile.
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Launching checks to see whether our nameservers like to hijack DNS failures.")]
    private static partial void LogLaunchingProbes(ILogger log);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Testing whether our DNS server is hijacking nonexistent domains with request for bogus hostname \"{Name}\"")]
    private static partial void LogProbing(ILogger log, string name);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Launching checks to see whether our nameservers like to hijack *everything*.")]
    private static partial void LogLaunchingTestAddresses(ILogger log);

    // C tor also names the client's hostname; we do not log what clients ask for.
    [LoggerMessage(Level = LogLevel.Trace, Message = "eventdns said that a name resolves to ISP-hijacked address {Address}; treating as a failure.")]
    private static partial void LogTreatedAsFailure(ILogger log, IPAddress address);
}
