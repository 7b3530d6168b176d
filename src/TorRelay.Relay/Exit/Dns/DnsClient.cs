using System.Net;
using Microsoft.Extensions.Logging;
using TorRelay.Crypto;

namespace TorRelay.Relay.Exit.Dns;

/// <summary>
/// One lookup as evdns runs it for C tor: each transmission goes to the next nameserver in turn, a timeout or SERVFAIL
/// moves on until the attempts are spent (then "timeout"), a truncated UDP answer is asked again over TCP, REFUSED or
/// NOTIMP is reissued once to another nameserver, and with ServerDNSSearchDomains the search list is tried in
/// resolv.conf's ndots order. Each transmission gets a fresh random ID and, with ServerDNSRandomizeCase, fresh 0x20 case.
/// </summary>
internal sealed partial class DnsClient(ExitResolverOptions options, TimeProvider time, IRandomSource random, ILogger log)
{
    private readonly SemaphoreSlim _inflight = new(Math.Max(1, options.MaxInflight));
    private int _rotation = -1; // the first lookup starts at the first nameserver

    /// <summary>
    /// Looks up <paramref name="name"/> (already lower-case) with the search rules of <paramref name="conf"/>, or
    /// without them when <paramref name="search"/> is false (evdns DNS_QUERY_NO_SEARCH, as the hijacking probes ask).
    /// </summary>
    public async Task<(DnsOutcome Outcome, DnsResponse? Response)> LookupAsync(ResolvConf conf, string name, DnsRecordType type,
        CancellationToken ct, bool search = true)
    {
        (DnsOutcome, DnsResponse?) last = (DnsOutcome.Unknown, null);
        foreach (string candidate in search ? Candidates(conf, name, type) : [name])
        {
            var wire = new byte[DnsName.MaxWireLength];
            if (!DnsName.TryEncode(candidate, wire, out int length)) continue;
            last = await QueryAsync(conf.Nameservers, wire[..length], type, ct).ConfigureAwait(false);
            if (last.Item1 == DnsOutcome.Success || last.Item1.IsTransient()) return last;
        }
        return last;
    }

    /// <summary>evdns search_request_new / search_try_next: the bare name first when it has ndots dots, else last.</summary>
    internal IEnumerable<string> Candidates(ResolvConf conf, string name, DnsRecordType type)
    {
        if (type == DnsRecordType.Ptr || !options.SearchDomains || conf.SearchDomains.Count == 0 || name.EndsWith('.'))
            return [name];
        var suffixed = conf.SearchDomains.Select(domain => name + "." + domain.Trim('.'));
        return name.Count(c => c == '.') >= conf.Ndots ? suffixed.Prepend(name) : suffixed.Append(name);
    }

    private async Task<(DnsOutcome, DnsResponse?)> QueryAsync(IReadOnlyList<IPEndPoint> servers, byte[] name, DnsRecordType type,
        CancellationToken ct)
    {
        int attempts = Math.Max(1, options.Attempts);
        uint index = (uint)Interlocked.Increment(ref _rotation);
        bool reissued = false;
        for (int attempt = 0; attempt < attempts; attempt++, index++)
        {
            var server = servers[(int)(index % (uint)servers.Count)];
            var result = await ExchangeAsync(server, Build(name, type), ct).ConfigureAwait(false);
            if (result.Malformed) return (DnsOutcome.Unknown, null);
            if (result.Response is not { } response) continue; // timed out: next nameserver
            if (response.Truncated) return (DnsOutcome.Truncated, response);
            switch (response.Rcode)
            {
                case DnsRcode.NoError:
                    return (response.HasAnswer ? DnsOutcome.Success : DnsOutcome.NoData, response);
                case DnsRcode.NxDomain:
                    return (DnsOutcome.NotExist, response);
                case DnsRcode.ServFail:
                    continue; // evdns lets SERVFAIL time out: try the next nameserver
                case DnsRcode.Refused or DnsRcode.NotImp when !reissued && servers.Count > 1:
                    reissued = true; // one reissue to another nameserver, with fresh attempts
                    attempt = -1;
                    continue;
                case DnsRcode.Refused:
                    return (DnsOutcome.Refused, response);
                case DnsRcode.NotImp:
                    return (DnsOutcome.NotImpl, response);
                case DnsRcode.FormErr:
                    return (DnsOutcome.Format, response);
                default:
                    return (DnsOutcome.Unknown, response);
            }
        }
        return (DnsOutcome.Timeout, null);
    }

    /// <summary>UDP first; a truncated answer is asked again over TCP (evdns client_retransmit_through_tcp).</summary>
    private async Task<ExchangeResult> ExchangeAsync(IPEndPoint server, SentQuery query, CancellationToken ct)
    {
        await _inflight.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var result = await DnsTransport.UdpAsync(server, query, options.Timeout, time, LogStray, ct).ConfigureAwait(false);
            if (result.Response is not { Truncated: true }) return result;
            LogTruncated(log);
            return await DnsTransport.TcpAsync(server, query, options.Timeout, time, ct).ConfigureAwait(false);
        }
        finally
        {
            _inflight.Release();
        }
    }

    private SentQuery Build(byte[] name, DnsRecordType type)
    {
        Span<byte> id = stackalloc byte[2];
        random.Fill(id);
        byte[] sent = (byte[])name.Clone();
        if (options.RandomizeCase)
        {
            Span<byte> bits = stackalloc byte[32];
            random.Fill(bits);
            DnsName.RandomizeCase(sent, bits);
        }
        var packet = new byte[DnsQuery.MaxLength];
        ushort queryId = (ushort)(id[0] << 8 | id[1]);
        int length = DnsQuery.Write(packet, queryId, sent, type);
        return new SentQuery(packet[..length], queryId, sent, type, options.RandomizeCase);
    }

    private void LogStray(DnsParseError error) => LogIgnored(log, error);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Ignored a DNS packet that is not the answer we wait for ({Error})")]
    private static partial void LogIgnored(ILogger log, DnsParseError error);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Truncated DNS answer; asking again over TCP")]
    private static partial void LogTruncated(ILogger log);
}
