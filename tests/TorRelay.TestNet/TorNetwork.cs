using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace TorRelay.TestNet;

/// <summary>
/// A private Tor network on 127.0.0.1, after Chutney: C tor directory authorities, relays, exits and a client,
/// plus optionally our relay as an external process. Every process is a child of this one, tracked by PID and
/// stopped by <see cref="StopAsync"/> (SIGTERM, then SIGKILL).
/// </summary>
public sealed partial class TorNetwork : IAsyncDisposable
{
    private readonly List<TorNode> _nodes = new();
    private readonly ILogger _log;
    private readonly HttpClient _http;
    private readonly EventHandler _onProcessExit;
    private readonly SemaphoreSlim _stopLock = new(1, 1);
    private bool _stopped;

    private TorNetwork(NetworkSpec spec, string workDir, ILogger? log)
    {
        Spec = spec;
        WorkDir = workDir;
        _log = log ?? NullLogger.Instance;
        // Never a proxy: every request goes to our own authorities on loopback.
        _http = new HttpClient(new SocketsHttpHandler { UseProxy = false, ConnectTimeout = TimeSpan.FromSeconds(5) })
        {
            Timeout = TimeSpan.FromSeconds(15),
        };
        _onProcessExit = (_, _) => KillAllNow();
        AppDomain.CurrentDomain.ProcessExit += _onProcessExit;
    }

    public NetworkSpec Spec { get; }
    public string WorkDir { get; }

    /// <summary>When the first process was started.</summary>
    public DateTimeOffset StartedAt { get; private set; }

    public IReadOnlyList<TorNode> Nodes => _nodes;
    public IReadOnlyList<TorNode> Authorities => _nodes.Where(n => n.Role == NodeRole.Authority).ToList();

    /// <summary>The C tor relays, exits included.</summary>
    public IReadOnlyList<TorNode> Relays => _nodes.Where(n => n.Role is NodeRole.Relay or NodeRole.Exit).ToList();
    public IReadOnlyList<TorNode> Exits => _nodes.Where(n => n.Role == NodeRole.Exit).ToList();
    public TorNode? Client => _nodes.FirstOrDefault(n => n.Role == NodeRole.Client);

    public TorNode? BridgeClient => _nodes.FirstOrDefault(n => n.Role == NodeRole.BridgeClient);
    public TorNode? OurRelay => _nodes.FirstOrDefault(n => n.Role == NodeRole.OurRelay);

    public TorNode? OurBridge => _nodes.FirstOrDefault(n => n.Role == NodeRole.OurBridge);

    /// <summary>The nameserver our exit uses (<see cref="NetworkSpec.OurRelayIsExit"/>); null otherwise.</summary>
    public LoopbackDnsServer? Dns { get; private set; }

    /// <summary>Every C tor instance (authorities, relays, exits, client, and a stand-in in our relay's slot).</summary>
    public IReadOnlyList<TorNode> CTorNodes => _nodes.Where(n => n.IsCTor).ToList();

    public TorNode Node(string nickname) =>
        _nodes.FirstOrDefault(n => string.Equals(n.Nickname, nickname, StringComparison.OrdinalIgnoreCase))
        ?? throw new KeyNotFoundException($"no node named {nickname}");

    /// <summary>PIDs of processes this network started that are still alive.</summary>
    public IReadOnlyList<int> RunningPids() =>
        _nodes.Where(n => n.Process is { HasExited: false }).Select(n => n.Pid).ToList();

    /// <summary>The last lines of a node's notice log (and its stdout, where startup errors go), for failure messages.</summary>
    public string LogTail(TorNode node, int lines = 40)
    {
        string state = node.Process switch
        {
            null => "not started",
            { HasExited: true } p => $"exited with {p.ExitCode}",
            _ => "running",
        };
        string text = $"--- {node.Nickname} ({node.Role}, pid {node.Pid}, {state}): {node.NoticeLogPath} ---\n" +
                      LogFiles.Tail(node.NoticeLogPath, lines);
        string stdout = LogFiles.Tail(node.StdoutPath, lines);
        if (stdout.Length > 0)
            text += $"\n--- {node.Nickname} stdout/stderr: {node.StdoutPath} ---\n{stdout}";
        return text;
    }

    /// <summary>LogTail of every node, for a failure message when it is not clear which node is at fault.</summary>
    public string LogTails(int lines = 15) => string.Join("\n", _nodes.Select(n => LogTail(n, lines)));

    /// <summary>Stops everything started: SIGTERM, up to <paramref name="grace"/> (default 5 s), then SIGKILL.</summary>
    public async Task StopAsync(TimeSpan? grace = null)
    {
        await _stopLock.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_stopped)
                return;
            var running = _nodes.Where(n => n.Process is { HasExited: false }).ToList();
            if (running.Count > 0)
                _log.LogInformation("stopping {Count} processes", running.Count);
            foreach (var n in running)
                n.Process!.Terminate();
            var wait = grace ?? TimeSpan.FromSeconds(5);
            await Task.WhenAll(running.Select(n => n.Process!.WaitForExitAsync(wait))).ConfigureAwait(false);
            foreach (var n in running.Where(n => !n.Process!.HasExited))
            {
                _log.LogWarning("{Node} ignored SIGTERM for {Grace}; sending SIGKILL", n, wait);
                n.Process!.KillHard();
            }
            await Task.WhenAll(running.Select(n => n.Process!.WaitForExitAsync(TimeSpan.FromSeconds(5))))
                .ConfigureAwait(false);
            foreach (var n in _nodes)
                n.Process?.Dispose();
            var survivors = RunningPids();
            if (survivors.Count > 0)
                _log.LogError("still running after SIGKILL: {Pids}", string.Join(", ", survivors));
            AppDomain.CurrentDomain.ProcessExit -= _onProcessExit;
            _stopped = true;
            if (!Spec.KeepWorkDir && survivors.Count == 0)
                TryDeleteWorkDir();
        }
        finally
        {
            _stopLock.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        if (Dns is not null) await Dns.DisposeAsync().ConfigureAwait(false);
        _http.Dispose();
    }

    /// <summary>Last resort on process exit (Ctrl-C, test host shutdown): synchronous, no grace beyond 2 s.</summary>
    private void KillAllNow()
    {
        var running = _nodes.Where(n => n.Process is { HasExited: false }).ToList();
        foreach (var n in running)
            n.Process!.Terminate();
        var deadline = DateTime.UtcNow.AddSeconds(2);
        while (DateTime.UtcNow < deadline && running.Any(n => !n.Process!.HasExited))
            Thread.Sleep(50);
        foreach (var n in running)
            n.Process!.KillHard();
    }

    private void TryDeleteWorkDir()
    {
        try { Directory.Delete(WorkDir, recursive: true); }
        catch (IOException e) { _log.LogWarning("could not delete {Dir}: {Error}", WorkDir, e.Message); }
        catch (UnauthorizedAccessException e) { _log.LogWarning("could not delete {Dir}: {Error}", WorkDir, e.Message); }
    }
}
