using System.Diagnostics;

namespace TorRelay.Core.Tests.Tls;

/// <summary>
/// One C tor relay on 127.0.0.1 for interop tests: TestingTorNetwork, a fake unused DirAuthority, no SOCKS, no
/// descriptor publication. Killed by its PID when disposed.
/// </summary>
public sealed class TorProcess : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("tls-ctor-").FullName;
    private Process? _process;

    public int OrPort { get; } = TlsTestSupport.FreePort();

    public string LogPath => Path.Combine(_directory, "notice.log");

    public async Task InitializeAsync()
    {
        int fakeAuthorityPort = TlsTestSupport.FreePort();
        string empty = Path.Combine(_directory, "empty");
        File.WriteAllText(empty, "");
        string torrc = Path.Combine(_directory, "torrc");
        File.WriteAllText(torrc, $"""
            DataDirectory {Path.Combine(_directory, "data")}
            Nickname tlsinterop
            ORPort 127.0.0.1:{OrPort}
            Address 127.0.0.1
            AddressDisableIPv6 1
            OutboundBindAddress 127.0.0.1
            AssumeReachable 1
            PublishServerDescriptor 0
            TestingTorNetwork 1
            SocksPort 0
            DirAuthority fake orport={fakeAuthorityPort} no-v2 v3ident={new string('A', 40)} 127.0.0.1:{fakeAuthorityPort} {new string('B', 40)}
            GeoIPFile {empty}
            GeoIPv6File {empty}
            Log notice file {LogPath}
            """);
        _process = TlsTestSupport.Start("tor", $"-f {torrc}", _directory);
        _process.StandardInput.Close();
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        using var cts = new CancellationTokenSource(TlsTestSupport.Timeout);
        while (!File.Exists(LogPath) || !File.ReadAllText(LogPath).Contains("Bootstrapped 0%"))
        {
            if (_process.HasExited)
                throw new InvalidOperationException($"tor exited with {_process.ExitCode}: {ReadLog()}");
            await Task.Delay(100, cts.Token);
        }
    }

    public string ReadLog() => File.Exists(LogPath) ? File.ReadAllText(LogPath) : "(no log)";

    public Task DisposeAsync()
    {
        if (_process is not null)
            TlsTestSupport.Kill(_process);
        try { Directory.Delete(_directory, recursive: true); }
        catch (IOException) { }
        return Task.CompletedTask;
    }
}
