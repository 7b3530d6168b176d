using System.Net;
using Microsoft.Extensions.Logging;

namespace TorRelay.Relay.Exit.Dns;

/// <summary>
/// What C tor's dns.c learns about a hijacking nameserver. An address given for more than five names that should not
/// exist, once more than ten such probes have answered, is wildcarded (wildcard_increment_answer): from then on an
/// A or AAAA answer whose first address is wildcarded counts as "not found" (answer_is_wildcarded). When more than
/// half of ServerDNSTestAddresses get a wildcarded answer, DNS seems broken (add_wildcarded_test_address) and the
/// relay stops being an exit until <see cref="Reset"/> (dns_reset_correctness_checks). Thread-safe.
/// </summary>
public sealed partial class WildcardTracker(IReadOnlyList<string> testAddresses, ILogger log)
{
    /// <summary>wildcard_increment_answer: "*ip &gt; 5 &amp;&amp; n_wildcard_requests &gt; 10".</summary>
    private const int AnswersBeforeWildcarding = 5;
    private const int ProbesBeforeWildcarding = 10;

    private readonly Lock _lock = new();
    private readonly Dictionary<IPAddress, int> _answerCounts = [];
    private readonly HashSet<IPAddress> _wildcarded = [];
    private readonly HashSet<string> _wildcardedTestAddresses = new(StringComparer.OrdinalIgnoreCase);
    private int _probes;
    private bool _oneNoticeGiven, _wildcardNoticeGiven, _testAddressNoticeGiven, _completelyInvalid;

    /// <summary>dns_seems_to_be_broken: our nameservers redirect even names that exist.</summary>
    public bool SeemsBroken
    {
        get { lock (_lock) return _completelyInvalid; }
    }

    /// <summary>is_test_address: one of ServerDNSTestAddresses, ignoring case.</summary>
    public bool IsTestAddress(string name) => testAddresses.Contains(name, StringComparer.OrdinalIgnoreCase);

    /// <summary>answer_is_wildcarded.</summary>
    public bool IsWildcarded(IPAddress address)
    {
        lock (_lock) return _wildcarded.Contains(address);
    }

    /// <summary>evdns_wildcard_check_callback: the answer to a probe for a name that should not exist.</summary>
    public void NoteProbeAnswer(string name, DnsOutcome outcome, IReadOnlyList<IPAddress> addresses)
    {
        lock (_lock)
        {
            ++_probes;
            if (outcome != DnsOutcome.Success || addresses.Count == 0) return;
            foreach (var address in addresses) IncrementAnswer(address);
            int seen = _answerCounts.Count;
            LogProbeAnswered(log, _oneNoticeGiven ? LogLevel.Debug : LogLevel.Information, name, seen, seen == 1 ? "" : "es");
            _oneNoticeGiven = true;
        }
    }

    /// <summary>
    /// add_wildcarded_test_address: a test address got a wildcarded answer. True when this made DNS seem broken, so
    /// the descriptor (now "reject *:*") must be published again.
    /// </summary>
    public bool NoteWildcardedTestAddress(string name)
    {
        lock (_lock)
        {
            if (!_wildcardedTestAddresses.Add(name)) return false;
            int n = _wildcardedTestAddresses.Count;
            if (n <= testAddresses.Count / 2) return false;
            LogDnsUseless(log, _testAddressNoticeGiven ? LogLevel.Debug : LogLevel.Information, name, n);
            _testAddressNoticeGiven = true;
            bool becameBroken = !_completelyInvalid;
            _completelyInvalid = true;
            return becameBroken;
        }
    }

    /// <summary>dns_reset_correctness_checks: forget everything learnt. True when DNS had seemed broken.</summary>
    public bool Reset()
    {
        lock (_lock)
        {
            bool wasBroken = _completelyInvalid;
            _answerCounts.Clear();
            _wildcarded.Clear();
            _wildcardedTestAddresses.Clear();
            _probes = 0;
            _oneNoticeGiven = _wildcardNoticeGiven = _testAddressNoticeGiven = _completelyInvalid = false;
            return wasBroken;
        }
    }

    private void IncrementAnswer(IPAddress address)
    {
        int count = _answerCounts[address] = _answerCounts.GetValueOrDefault(address) + 1;
        if (count <= AnswersBeforeWildcarding || _probes <= ProbesBeforeWildcarding) return;
        if (_wildcarded.Add(address))
            LogHijacked(log, _wildcardNoticeGiven ? LogLevel.Debug : LogLevel.Information, address, count);
        _wildcardNoticeGiven = true;
    }

    // C tor logs each at notice (Information) the first time, at info (Debug) after.
    [LoggerMessage(Message = "Your DNS provider gave an answer for \"{Name}\", which is not supposed to exist. Apparently they are hijacking DNS failures. Trying to correct for this. We've noticed {Count} possibly bad address{Plural} so far.")]
    private static partial void LogProbeAnswered(ILogger log, LogLevel level, string name, int count, string plural);

    [LoggerMessage(Message = "Your DNS provider has given \"{Address}\" as an answer for {Count} different invalid addresses. Apparently they are hijacking DNS failures. I'll try to correct for this by treating future occurrences of \"{Address}\" as 'not found'.")]
    private static partial void LogHijacked(ILogger log, LogLevel level, IPAddress address, int count);

    [LoggerMessage(Message = "Your DNS provider tried to redirect \"{Name}\" to a junk address.  It has done this with {Count} test addresses so far.  I'm going to stop being an exit node for now, since our DNS seems so broken.")]
    private static partial void LogDnsUseless(ILogger log, LogLevel level, string name, int count);
}
