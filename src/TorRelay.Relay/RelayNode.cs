using System.Net;
using Microsoft.Extensions.Logging;
using TorRelay.Core.Channels;
using TorRelay.Core.Channels.Padding;
using TorRelay.Core.Circuits;
using TorRelay.Core.Metrics;
using TorRelay.Core.Dos;
using TorRelay.Core.Memory;
using TorRelay.Relay.Metrics;
using TorRelay.Relay.Circuits;
using TorRelay.Crypto;
using TorRelay.Directory.Cache;
using TorRelay.Directory.Client;
using TorRelay.Directory.Consensus;
using TorRelay.Directory.Descriptors;
using TorRelay.Relay.Keys;
using TorRelay.Relay.Bandwidth;
using TorRelay.Relay.Exit;
using TorRelay.Relay.SelfTest;
using TorRelay.Relay.State;
using TorRelay.Relay.Stats;
using TorRelay.Relay.Exit.Dns;
using TorRelay.Directory.Policy;
using System.Net.Sockets;

namespace TorRelay.Relay;

/// <summary>
/// The relay role at work: keys, ORPort listeners and channels, descriptor publication and the consensus, with one
/// heartbeat driving idle-channel closing and key and link-certificate rotation.
/// </summary>
public sealed partial class RelayNode : IAsyncDisposable
{
    /// <summary>C tor regenerates and re-uploads its descriptor at least this often (FORCE_REGENERATE_DESCRIPTOR_INTERVAL).</summary>
    public static readonly TimeSpan RepublishInterval = TimeSpan.FromHours(18);
    private static readonly TimeSpan HeartbeatTick = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan IdleCheckInterval = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan KeyCheckInterval = TimeSpan.FromHours(1);
    private static readonly TimeSpan HeartbeatLogInterval = TimeSpan.FromHours(6);

    private RelaySettings _settings;
    private readonly TimeProvider _time;
    private readonly ILoggerFactory _loggers;
    private readonly ILogger _log;
    private readonly IRandomSource _random;
    private readonly RelayKeyStore _keyStore;
    private readonly LinkCredentialsFactory _credentials;
    private readonly DirectoryClient _directory;
    private readonly SemaphoreSlim _republish = new(0, 1);
    private readonly DateTimeOffset _started;
    private TlsLinkTransportFactory? _tls;
    private ChannelManager? _channels;
    private readonly List<OrPortListener> _listeners = new();
    private ConsensusTracker? _tracker;
    private ReachabilitySelfTest? _selfTest;
    private CancellationToken _running;
    private CircuitSwitch? _circuits;
    private ExitHandler? _exit;
    private ExitResolver? _resolver;
    private readonly DirectoryDocumentStore _dirStore = new();
    private readonly CoreMetrics _coreMetrics = new();
    private readonly RelayMetrics _relayMetrics;
    private readonly ExtraInfoBandwidthHistory _bwhist;
    private readonly RelayStateStore _stateFile;
    private readonly BandwidthChangeCheck _bandwidthChange;
    private readonly EwmaPolicy _ewma;
    private readonly PaddingPolicy _padding;
    private readonly PaddingCountsReport _paddingCounts;
    private readonly DosMitigation _dos;
    private readonly MemoryReclaimer _memory;
    private long _publishedObserved;

    /// <summary>What we publish as observed bandwidth (bwhist_bandwidth_assess; C tor does not clip it to our rate).</summary>
    private long ObservedBandwidth => _bwhist.Assess(_settings.TestingMinTimeToReportBandwidth);
    private DateTimeOffset _lastUpload = DateTimeOffset.MinValue;
    private bool _linkCheckDone;

    public RelayNode(RelaySettings settings, TimeProvider time, ILoggerFactory loggers, IRandomSource? random = null)
    {
        _settings = settings;
        _time = time;
        _loggers = loggers;
        _log = loggers.CreateLogger("TorRelay.Relay");
        _random = random ?? SystemRandom.Instance;
        _keyStore = new RelayKeyStore(settings.DataDirectory, time, loggers.CreateLogger("TorRelay.Keys"));
        _credentials = new LinkCredentialsFactory(time, _random);
        _directory = new DirectoryClient(logger: loggers.CreateLogger<DirectoryClient>());
        _started = time.GetUtcNow();
        _bwhist = new ExtraInfoBandwidthHistory(_started);
        _stateFile = new RelayStateStore(settings.DataDirectory, _bwhist, loggers.CreateLogger("TorRelay.State"));
        _bandwidthChange = new BandwidthChangeCheck(settings.TestingTorNetwork);
        _relayMetrics = new RelayMetrics(time: time);
        _ewma = new EwmaPolicy(time);
        _padding = new PaddingPolicy(time, _random, loggers.CreateLogger("TorRelay.Channel.Padding"), _coreMetrics);
        _paddingCounts = new PaddingCountsReport(_padding.Counts, _started);
        _dos = new DosMitigation(DosOptions.FromConsensus(null, settings.Dos), time, _random, loggers.CreateLogger("TorRelay.Dos"));
        _relayMetrics.DosSource = () => _dos.Stats;
        _memory = new MemoryReclaimer(new GlibcHeap(), loggers.CreateLogger("TorRelay.Memory"));
    }

    /// <summary>Loaded on <see cref="RunAsync"/>.</summary>
    public RelayKeys Keys => _keyStore.Current;

    public IReadOnlyList<IPEndPoint> ListeningOn => _listeners.Select(l => l.LocalEndPoint).ToList();

    public ChannelManager Channels => _channels ?? throw new InvalidOperationException("not started");

    public MicrodescConsensus? Consensus => _tracker?.Current;

    public CircuitSwitch Circuits => _circuits ?? throw new InvalidOperationException("not started");

    /// <summary>
    /// SIGHUP: takes the options that can change at run time (nickname, contact, bandwidth, family, publication) and
    /// re-publishes; listeners, DataDirectory, authorities and outbound address keep their values until a restart.
    /// </summary>
    public void ApplyReload(RelaySettings next)
    {
        var current = _settings;
        var restartOnly = new List<string>();
        if (next.DataDirectory != current.DataDirectory) restartOnly.Add("DataDirectory");
        if (!next.OrListen.SequenceEqual(current.OrListen) || !next.AdvertisedOrPort.Equals(current.AdvertisedOrPort)) restartOnly.Add("ORPort/Address");
        if (!Equals(next.OutboundBindAddress, current.OutboundBindAddress)) restartOnly.Add("OutboundBindAddress");
        if (next.BridgeRelay != current.BridgeRelay) restartOnly.Add("BridgeRelay");
        if (!next.Authorities.Select(a => Convert.ToHexString(a.Fingerprint)).SequenceEqual(current.Authorities.Select(a => Convert.ToHexString(a.Fingerprint))))
            restartOnly.Add("DirAuthority");
        _settings = current with
        {
            Nickname = next.Nickname,
            ContactInfo = next.ContactInfo,
            BandwidthRate = next.BandwidthRate,
            BandwidthBurst = next.BandwidthBurst,
            Family = next.Family,
            Exit = next.Exit,
            PublishDescriptor = next.PublishDescriptor,
            RelayBandwidthRate = next.RelayBandwidthRate,
            ExtraInfoStatistics = next.ExtraInfoStatistics,
            PaddingStatistics = next.PaddingStatistics,
        };
        if (_exit is not null) _exit.Settings = next.Exit;
        if (!Equals(next.Dns, current.Dns)) restartOnly.Add("ServerDNS*");
        LogReloaded(_log, restartOnly.Count == 0 ? "none" : string.Join(", ", restartOnly));
        RequestRepublish();
    }

    /// <summary>Raised once every ORPort listens (systemd readiness).</summary>
    public event Action<IReadOnlyList<IPEndPoint>>? Listening;

    /// <summary>Stops accepting connections (tor's first SIGINT); open channels keep working until shutdown.</summary>
    public async Task StopListeningAsync()
    {
        foreach (var l in _listeners) await l.DisposeAsync().ConfigureAwait(false);
    }

    public async Task RunAsync(CancellationToken ct)
    {
        _keyStore.LoadOrCreate();
        _keyStore.RotateIfNeeded();
        _stateFile.Load(_time.GetUtcNow());
        var keys = _keyStore.Current;
        WriteFingerprintFiles(keys);
        _relayMetrics.SigningCertificateLoaded(keys.SigningCert.Expiration);
        _relayMetrics.FlagsSource = () => _tracker?.Current?.FindByIdentity(_keyStore.Current.Identity.PublicKey.Fingerprint)?.Flags;
        LogIdentity(_log, _settings.Nickname, RelayIdentityInfo.FormatFingerprint(keys.Identity.PublicKey.Fingerprint),
            keys.MasterIdentityKey.ToBase64());

        _tls = new TlsLinkTransportFactory(_credentials.Create(keys), _coreMetrics);
        _channels = new ChannelManager(_tls, OurAddresses, _settings.OutboundBindAddress, _time, _random, _loggers, _coreMetrics);
        var channels = _channels;
        _coreMetrics.QueuedCellsSource = () => channels.Snapshot().Sum(c => (long)c.QueuedCells);
        var dirAnswers = new DirectoryRequestHandler(_dirStore, _time, new DirectoryRequestHandlerOptions { OurAddress = _settings.AdvertisedOrPort.Address });
        _resolver = ExitResolver.Create(_settings.Dns, _loggers.CreateLogger("TorRelay.Dns"), _relayMetrics.Dns, _time, _random);
        // check_dns_honesty_callback's precondition: public_server_mode and an exit policy other than reject *:*.
        _resolver.StartCorrectnessChecks(() => !_settings.BridgeRelay && !_settings.Exit.Policy.IsRejectStar, RequestRepublish);
        // A non-exit answers BEGIN and RESOLVE as C tor does: its reject-all policy refuses them.
        _exit = new ExitHandler(_settings.Exit, new DnsStreamResolver(_resolver),
            fp => _tracker?.Current?.FindByIdentity(fp) is not null, _loggers.CreateLogger("TorRelay.Exit"), ct);
        _circuits = new CircuitSwitch(new RelayCreateResponder(_keyStore, _random), _random, _loggers.CreateLogger("TorRelay.Circuits"), _coreMetrics)
        {
            RelayHandler = new CompositeRelayCommandHandler(
                new ExtendHandler(_channels, () => _keyStore.Current.Identity.PublicKey.Fingerprint,
                    _settings.ExtendAllowPrivateAddresses, _loggers.CreateLogger("TorRelay.Extend"), ct),
                new BeginDirHandler(request => AnswerDirRequest(dirAnswers, request), _loggers.CreateLogger("TorRelay.DirCache"), ct),
                _exit),
        };
        _circuits.Dos = _dos;
        _running = ct;
        var paths = new TestingPathSource(_settings.Nickname, () => _tracker?.Current, _dirStore, _channels, () => _keyStore.Current);
        _selfTest = new ReachabilitySelfTest(_settings, _time, _loggers.CreateLogger("TorRelay.SelfTest"), _random, paths.Choose,
            (hop, token) => channels.GetOrOpenAsync(hop.EndPoint, hop.RsaIdentity, token), RequestRepublish);
        _circuits.CreateAnswered = _selfTest.OnCreateAnswered;
        _relayMetrics.ReachabilitySource = () => _selfTest.AllSeemReachable;
        _channels.CellHandler = _circuits;
        _channels.Queues = CreateQueues(_circuits);
        _channels.Padding = _padding;
        if (_settings.BridgeRelay)
            _padding.RefusesNegotiationFrom = peer => _tracker?.Current?.FindByIdentity(peer.RsaFingerprint) is not null;
        foreach (var ep in _settings.OrListen)
        {
            var listener = new OrPortListener(ep, _channels, _loggers.CreateLogger("TorRelay.OrPort"), _coreMetrics, _dos);
            listener.Start();
            _listeners.Add(listener);
        }
        Listening?.Invoke(ListeningOn);

        _tracker = new ConsensusTracker(_settings, _directory, _time, _loggers.CreateLogger("TorRelay.Consensus"));
        _tracker.Updated += OnConsensus;
        // DirCache: keep what clients fetch through BEGIN_DIR, refreshed after each consensus.
        var cacheFetcher = new DirectoryCacheFetcher(_dirStore, _directory, _settings.Authorities, _time,
            logger: _loggers.CreateLogger<DirectoryCacheFetcher>());
        _tracker.Updated += cacheFetcher.OnConsensusUpdated;

        var tasks = new List<Task>();
        tasks.AddRange(_listeners.Select(l => l.RunAsync(ct)));
        tasks.Add(_tracker.RunAsync(keys.Identity.PublicKey.Fingerprint, ct));
        tasks.Add(PublishLoopAsync(ct));
        tasks.Add(cacheFetcher.RunAsync(ct));
        tasks.Add(HeartbeatAsync(ct));
        tasks.Add(_selfTest.RunAsync(ct));
        try
        {
            await Task.WhenAll(tasks).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    /// <summary>Channels' output queues: EWMA between circuits, and MaxMemInQueues enforced by killing circuits.</summary>
    private ChannelQueueSettings CreateQueues(CircuitSwitch circuits)
    {
        long max = MaxMemInQueues.Compute(_settings.MaxMemInQueues, isServer: true, MaxMemInQueues.SystemMemory(), out string? warning);
        if (warning is not null) LogMemoryWarning(_log, warning);
        var budget = new QueueMemoryBudget(max);
        _ = new OomKiller(budget, c => circuits.CloseAsync(c, TorRelay.Cells.Link.DestroyReason.ResourceLimit), _loggers.CreateLogger("TorRelay.Oom"), _coreMetrics);
        return new ChannelQueueSettings(_ewma, budget);
    }

    /// <summary>DataDirectory/fingerprint and fingerprint-ed25519, as C tor writes them for operators and tools.</summary>
    private void WriteFingerprintFiles(RelayKeys keys)
    {
        File.WriteAllText(Path.Combine(_settings.DataDirectory, "fingerprint"),
            $"{_settings.Nickname} {Convert.ToHexString(keys.Identity.PublicKey.Fingerprint)}\n");
        File.WriteAllText(Path.Combine(_settings.DataDirectory, "fingerprint-ed25519"),
            $"{_settings.Nickname} {keys.MasterIdentityKey.ToBase64()}\n");
    }

    private IReadOnlyList<IPAddress> OurAddresses() =>
        [_settings.AdvertisedOrPort.Address, .. _settings.AdvertisedOrAddresses.Select(e => e.Address)];

    public BuiltDescriptor BuildDescriptor()
    {
        var keys = _keyStore.Current;
        var now = _time.GetUtcNow();
        // C tor publishes reject *:* while its DNS configuration is broken (has_dns_init_failed) or its nameservers
        // hijack known-good names (dns_seems_to_be_broken).
        bool dnsBroken = _resolver is { IsConfigBroken: true } or { DnsSeemsBroken: true };
        var policy = dnsBroken ? ExitPolicy.RejectAll : _settings.Exit.Policy;
        return ServerDescriptorBuilder.Build(new DescriptorInput
        {
            Nickname = _settings.Nickname,
            Address = _settings.AdvertisedOrPort.Address,
            OrPort = _settings.AdvertisedOrPort.Port,
            OrAddresses = _settings.AdvertisedOrAddresses,
            Platform = RelayIdentityInfo.Platform,
            Protocols = RelayIdentityInfo.Protocols,
            Published = now,
            UptimeSeconds = (long)(now - _started).TotalSeconds,
            BandwidthAverage = _settings.BandwidthRate,
            BandwidthBurst = _settings.BandwidthBurst,
            BandwidthObserved = _publishedObserved = ObservedBandwidth,
            Family = _settings.Family,
            Contact = _settings.ContactInfo,
            ExitPolicy = policy.ToDescriptorLines(),
            Ipv6PolicySummary = _settings.Exit.IPv6Exit ? policy.Summarize(AddressFamily.InterNetworkV6).ToString() : null,
            IdentityKey = keys.Identity,
            SigningKey = keys.Signing,
            SigningKeyCert = keys.SigningCert,
            MasterKey = keys.MasterIdentityKey,
            OnionKey = keys.TapOnionKey,
            NtorOnionKey = keys.NtorOnionKey,
            // We answer BEGIN_DIR from our directory cache (DirCache=2): authorities then vote V2Dir.
            TunnelledDirServer = true,
            BridgeDistribution = _settings.BridgeRelay ? "any" : null,
            // C tor's order (extrainfo_dump_to_string_stats_helper): bandwidth history, then padding-counts.
            ExtraInfoLines = _settings.ExtraInfoStatistics
                ? [.. _bwhist.GetBandwidthLines(_settings.RelayBandwidthRate), .. _paddingCounts.GetLines(_settings.PaddingStatistics)]
                : [],
        });
    }

    /// <summary>Answers a BEGIN_DIR request, counting its bytes as C tor counts a directory server connection's.</summary>
    private byte[] AnswerDirRequest(DirectoryRequestHandler handler, byte[] request)
    {
        byte[] response = handler.Answer(request);
        var now = _time.GetUtcNow();
        _bwhist.NoteDirBytesRead((ulong)request.Length, now);
        _bwhist.NoteDirBytesWritten((ulong)response.Length, now);
        return response;
    }

    /// <summary>
    /// Builds our descriptor, keeps it in our directory cache (/tor/server/authority: how a bridge's clients learn it)
    /// and uploads it to the publication targets, again on every change and every 18 hours.
    /// </summary>
    private async Task PublishLoopAsync(CancellationToken ct)
    {
        var targets = _settings.PublishTargets;
        if (targets.Count == 0)
        {
            if (_settings.BridgeRelay) LogBridgeNotPublishing(_log);
            else LogNotPublishing(_log);
        }
        var publisher = new DescriptorPublisher(_directory, _time, _loggers.CreateLogger("TorRelay.Publish"), _relayMetrics);
        while (!ct.IsCancellationRequested)
        {
            _lastUpload = _time.GetUtcNow();
            var descriptor = BuildDescriptor();
            _dirStore.SetOwnServerDescriptor(descriptor.Descriptor);
            targets = _settings.PublishTargets;
            // decide_if_publishable_server: no upload until our ORPort seems reachable (or AssumeReachable 1).
            if (targets.Count > 0 && _selfTest?.AllSeemReachable != false) await publisher.PublishAsync(targets, descriptor, ct).ConfigureAwait(false);
            else if (targets.Count > 0) LogWaitingForReachability(_log);
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(ct);
            wait.CancelAfter(RepublishInterval);
            try
            {
                await _republish.WaitAsync(wait.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                // The periodic rebuild.
            }
        }
    }

    private void RequestRepublish()
    {
        try
        {
            _republish.Release();
        }
        catch (SemaphoreFullException)
        {
        }
    }

    /// <summary>Consensus parameters the circuit layer follows (C tor's defaults when absent, clamped to its ranges).</summary>
    private void ApplyConsensusParams(IReadOnlyDictionary<string, int> p)
    {
        _dos.Options = DosOptions.FromConsensus(p, _settings.Dos);
        if (_circuits is not null)
        {
            _circuits.SendmeAcceptMinVersion = Math.Clamp(p.GetValueOrDefault("sendme_accept_min_version", 0), 0, 255);
            _circuits.CongestionParams = TorRelay.Core.Circuits.Congestion.CongestionControlParams.FromConsensus(p);
        }
        _ewma.SetHalflife(TimeSpan.FromMilliseconds(Math.Clamp(p.GetValueOrDefault("CircuitPriorityHalflifeMsec", 30000), 1, int.MaxValue)));
        _padding.Parameters = PaddingParameters.FromConsensus(p);
    }

    private void OnConsensus(MicrodescConsensus consensus)
    {
        _relayMetrics.ConsensusReceived(consensus.ValidAfter);
        ApplyConsensusParams(consensus.Params);
        var ours = consensus.FindByIdentity(_keyStore.Current.Identity.PublicKey.Fingerprint);
        // Not listed although the consensus was made well after our upload: send the descriptor again, like tor.
        var patience = _settings.TestingTorNetwork ? TimeSpan.FromMinutes(1) : TimeSpan.FromMinutes(30);
        if (ours is null && !_settings.BridgeRelay && _settings.PublishTargets.Count > 0 && consensus.ValidAfter - _lastUpload > patience && _time.GetUtcNow() - _lastUpload > patience)
            RequestRepublish();
        // directory_info_has_arrived: new directory information is a moment to test reachability again.
        _selfTest?.CheckNow(_running);
        if (!_linkCheckDone)
        {
            _linkCheckDone = true;
            _ = CheckAuthorityLinksAsync(CancellationToken.None);
        }
    }

    /// <summary>Opens an authenticated link to each authority's ORPort: proves our initiator side works, and logs it.</summary>
    private async Task CheckAuthorityLinksAsync(CancellationToken ct)
    {
        foreach (var a in _settings.Authorities)
        {
            if (a.OrPort is not { } port) continue;
            try
            {
                var channel = await Channels.OpenNewAsync(new IPEndPoint(a.DirPort.Address, port), a.Fingerprint, ct).ConfigureAwait(false);
                // The check is done; a duplicate of an existing channel would only be closed by the peer later.
                if (!Channels.IsCanonical(channel)) await channel.CloseAsync("link check done").ConfigureAwait(false);
            }
            catch (Exception e) when (e is LinkHandshakeException or OperationCanceledException or IOException
                                         or System.Net.Sockets.SocketException or TlsFailure)
            {
                LogLinkCheckFailed(_log, a.Nickname, e.Message);
            }
        }
    }

    private async Task HeartbeatAsync(CancellationToken ct)
    {
        var lastKeyCheck = _time.GetUtcNow();
        var lastLinkRotation = lastKeyCheck;
        var lastHeartbeatLog = lastKeyCheck;
        var lastIdleCheck = lastKeyCheck;
        var lastBandwidthCheck = lastKeyCheck;
        var lastMemoryCheck = lastKeyCheck;
        using var timer = new PeriodicTimer(HeartbeatTick, _time);
        while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false))
        {
            var now = _time.GetUtcNow();
            _bwhist.NoteTotals(now, _coreMetrics.TotalBytesRead, _coreMetrics.TotalBytesWritten);
            _stateFile.SaveIfDue(now);
            _paddingCounts.Tick(now, _settings.PaddingStatistics);
            if (now - lastIdleCheck >= IdleCheckInterval)
            {
                lastIdleCheck = now;
                await Channels.CloseIdleAsync().ConfigureAwait(false);
            }
            if (now - lastMemoryCheck >= MemoryReclaimer.Interval)
            {
                lastMemoryCheck = now;
                _memory.Check(Channels.Count, Circuits.CircuitsOpen);
            }
            else
            {
                _memory.Observe(Channels.Count, Circuits.CircuitsOpen);
            }
            if (now - lastBandwidthCheck >= BandwidthChangeCheck.Interval)
            {
                lastBandwidthCheck = now;
                if (_bandwidthChange.ShouldRebuild(now, now - _started, _publishedObserved, ObservedBandwidth))
                    RequestRepublish();
            }
            if (now - lastKeyCheck >= KeyCheckInterval)
            {
                lastKeyCheck = now;
                if (_keyStore.RotateIfNeeded() != KeyRotation.None)
                {
                    _tls!.Update(_credentials.Create(_keyStore.Current));
                    lastLinkRotation = now;
                    _relayMetrics.SigningCertificateLoaded(_keyStore.Current.SigningCert.Expiration);
                    RequestRepublish();
                }
            }
            if (now - lastLinkRotation >= LinkCredentialsFactory.LinkKeyLifetime)
            {
                lastLinkRotation = now;
                _tls!.Update(_credentials.Create(_keyStore.Current));
            }
            if (now - lastHeartbeatLog >= HeartbeatLogInterval)
            {
                lastHeartbeatLog = now;
                LogHeartbeat(_log, (long)(now - _started).TotalHours, Channels.Count, Circuits.CircuitsOpen);
                DosHeartbeat.Log(_log, _dos.Stats, _dos.Options);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var l in _listeners) await l.DisposeAsync().ConfigureAwait(false);
        if (_channels is not null) await _channels.DisposeAsync().ConfigureAwait(false);
        _stateFile.SaveAtShutdown(_time.GetUtcNow());
        _tls?.Dispose();
        _resolver?.Dispose();
        _directory.Dispose();
        _coreMetrics.Dispose();
        _relayMetrics.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Your relay's identity key fingerprint is '{Nickname} {Fingerprint}'; ed25519 identity {Ed25519}")]
    private static partial void LogIdentity(ILogger log, string nickname, string fingerprint, string ed25519);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Warning}")]
    private static partial void LogMemoryWarning(ILogger log, string warning);

    [LoggerMessage(Level = LogLevel.Information, Message = "Reloaded the configuration; options that take effect only after a restart: {Options}")]
    private static partial void LogReloaded(ILogger log, string options);

    [LoggerMessage(Level = LogLevel.Information, Message = "BridgeRelay 1 and no bridge authority configured: not publishing our descriptor; clients reach this bridge through its Bridge line")]
    private static partial void LogBridgeNotPublishing(ILogger log);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Not uploading our descriptor yet: our ORPort has not been found reachable")]
    private static partial void LogWaitingForReachability(ILogger log);

    [LoggerMessage(Level = LogLevel.Information, Message = "PublishServerDescriptor is 0: not publishing our descriptor")]
    private static partial void LogNotPublishing(ILogger log);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not open a link to directory authority {Authority}: {Reason}")]
    private static partial void LogLinkCheckFailed(ILogger log, string authority, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Heartbeat: uptime {Hours} hours, {Channels} channels and {Circuits} circuits open")]
    private static partial void LogHeartbeat(ILogger log, long hours, int channels, long circuits);
}
