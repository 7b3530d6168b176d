using System.Diagnostics;
using System.Text;

namespace TorRelay.Deploy.Tests;

/// <summary>
/// SignalProbe (a host composed as torrelay's Program.cs) as a child process with $NOTIFY_SOCKET set, its own torrc
/// and PID file; killed by PID on dispose if still running.
/// </summary>
internal sealed class ProbeProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private ProbeProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_output) _output.AppendLine(e.Data); };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_output) _output.AppendLine(e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    public static ProbeProcess Start(string torrc, string pidFile, string notifySocket)
    {
        string probe = Path.Combine(AppContext.BaseDirectory, "SignalProbe.dll");
        var psi = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(probe);
        psi.ArgumentList.Add(torrc);
        psi.ArgumentList.Add(pidFile);
        psi.Environment["NOTIFY_SOCKET"] = notifySocket;
        psi.Environment.Remove("WATCHDOG_USEC");
        return new ProbeProcess(Process.Start(psi) ?? throw new InvalidOperationException("cannot start SignalProbe"));
    }

    /// <summary>The dotnet host running these tests (testhost runs under it), else dotnet from PATH.</summary>
    private static string DotnetHost()
    {
        string? host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (!string.IsNullOrEmpty(host) && File.Exists(host)) return host;
        string? self = Environment.ProcessPath;
        if (self is not null && Path.GetFileNameWithoutExtension(self) == "dotnet") return self;
        return "dotnet";
    }

    public void Signal(int signal) => Posix.Signal(_process.Id, signal);

    public bool WaitForExit(TimeSpan timeout)
    {
        if (!_process.WaitForExit(timeout)) return false;
        _process.WaitForExit(); // drains the output readers
        return true;
    }

    public async Task WaitForOutputAsync(string text, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!Output.Contains(text, StringComparison.Ordinal))
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"no \"{text}\" from the probe:\n{Output}");
            await Task.Delay(20);
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
        _process.Dispose();
    }
}
