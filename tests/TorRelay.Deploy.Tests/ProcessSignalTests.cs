namespace TorRelay.Deploy.Tests;

// TorRelay.Directory, a namespace, would shadow it.
using Directory = System.IO.Directory;

/// <summary>
/// Real signals and a real $NOTIFY_SOCKET against a child host composed as torrelay's Program.cs (SignalProbe):
/// ConsoleLifetime is replaced, so SIGINT waits ShutdownWaitLength while SIGTERM exits at once, as tor.
/// </summary>
public sealed class ProcessSignalTests : IDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("torrelay-probe-");
    private readonly NotifySocket _systemd = NotifySocket.AtPath();

    private string Torrc => Path.Combine(_dir.FullName, "torrc");
    private string PidPath => Path.Combine(_dir.FullName, "torrelay.pid");

    private void WriteTorrc(string nickname, int shutdownWaitSeconds) => File.WriteAllText(Torrc,
        $"Nickname {nickname}\nDataDirectory {_dir.FullName}\nORPort 127.0.0.1:9001\nSocksPort 0\n" +
        $"ShutdownWaitLength {shutdownWaitSeconds} seconds\n");

    private ProbeProcess StartReady()
    {
        var probe = ProbeProcess.Start(Torrc, PidPath, _systemd.Address);
        try
        {
            var seen = _systemd.ReceiveUntil("READY=1", Wait);
            Assert.Contains("READY=1\nSTATUS=Listening on ORPort 127.0.0.1:9001", seen);
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException(e.Message + "\n" + probe.Output, e);
        }
        return probe;
    }

    [Fact]
    public void ReadyIsSentAndThePidFileHoldsTheProcessUntilExit()
    {
        WriteTorrc("Alpha", 30);
        using var probe = StartReady();

        Assert.Equal($"{probe.Pid}\n", File.ReadAllText(PidPath));

        probe.Signal(Posix.SIGTERM);
        Assert.True(probe.WaitForExit(Wait), probe.Output);
        Assert.False(File.Exists(PidPath));
    }

    [Fact]
    public void SigtermExitsPromptlyDespiteALongShutdownWaitLength()
    {
        WriteTorrc("Alpha", 30);
        using var probe = StartReady();
        var sent = DateTime.UtcNow;

        probe.Signal(Posix.SIGTERM);

        Assert.True(probe.WaitForExit(TimeSpan.FromSeconds(10)), probe.Output);
        Assert.True(DateTime.UtcNow - sent < TimeSpan.FromSeconds(10));
        Assert.Equal(0, probe.ExitCode);
        Assert.Contains("Catching signal TERM, exiting cleanly.", probe.Output);
        Assert.Contains(_systemd.ReceiveUntil("STOPPING=1", Wait), d => d.StartsWith("STOPPING=1"));
    }

    [Fact]
    public void SigintWaitsShutdownWaitLengthThenExitsCleanly()
    {
        WriteTorrc("Alpha", 3);
        using var probe = StartReady();
        var sent = DateTime.UtcNow;

        probe.Signal(Posix.SIGINT);

        var seen = _systemd.ReceiveUntil("STOPPING=1", Wait);
        Assert.Equal("EXTEND_TIMEOUT_USEC=33000000", _systemd.Receive(Wait));
        Assert.False(probe.WaitForExit(TimeSpan.FromSeconds(1.5)), "exited before ShutdownWaitLength");
        Assert.True(probe.WaitForExit(Wait), probe.Output);
        Assert.True(DateTime.UtcNow - sent >= TimeSpan.FromSeconds(2.9));
        Assert.Equal(0, probe.ExitCode);
        Assert.Contains("probe: graceful shutdown in 3 s", probe.Output);
        Assert.Contains("STOPPING=1\nSTATUS=Shutting down in 3 seconds", seen);
        Assert.False(File.Exists(PidPath));
    }

    [Fact]
    public void ASecondSigintExitsAtOnce()
    {
        WriteTorrc("Alpha", 60);
        using var probe = StartReady();

        probe.Signal(Posix.SIGINT);
        _systemd.ReceiveUntil("STOPPING=1", Wait);
        probe.Signal(Posix.SIGINT);

        Assert.True(probe.WaitForExit(TimeSpan.FromSeconds(10)), probe.Output);
        Assert.Contains("SIGINT received a second time; exiting now.", probe.Output);
    }

    [Fact]
    public async Task SighupRereadsTheTorrcBetweenReloadingAndReady()
    {
        WriteTorrc("Alpha", 30);
        using var probe = StartReady();
        WriteTorrc("Bravo", 30);

        probe.Signal(Posix.SIGHUP);

        var seen = _systemd.ReceiveUntil("READY=1", Wait);
        Assert.StartsWith("RELOADING=1\nMONOTONIC_USEC=", seen[0]);
        Assert.Equal("READY=1\nSTATUS=Configuration reloaded", seen[^1]);
        await probe.WaitForOutputAsync("probe: reloaded Bravo", Wait);
        Assert.False(probe.HasExited);

        probe.Signal(Posix.SIGTERM);
        Assert.True(probe.WaitForExit(Wait), probe.Output);
    }

    [Fact]
    public void SighupWithABrokenTorrcExitsWithStatusOneAsTor()
    {
        WriteTorrc("Alpha", 30);
        using var probe = StartReady();
        File.AppendAllText(Torrc, "NoSuchTorOption 1\n");

        probe.Signal(Posix.SIGHUP);

        Assert.True(probe.WaitForExit(Wait), probe.Output);
        Assert.Equal(1, probe.ExitCode);
        Assert.Contains("Restart failed (config error?). Exiting.", probe.Output);
    }

    public void Dispose()
    {
        _systemd.Dispose();
        _dir.Delete(recursive: true);
    }
}
