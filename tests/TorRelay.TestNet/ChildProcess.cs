using System.Diagnostics;

namespace TorRelay.TestNet;

/// <summary>A long-running child process whose stdout and stderr go to one file.</summary>
internal sealed class ChildProcess : IDisposable
{
    private readonly Process _process;
    private readonly StreamWriter _output;

    private ChildProcess(Process process, StreamWriter output)
    {
        _process = process;
        _output = output;
    }

    public int Pid => _process.Id;

    public bool HasExited
    {
        get
        {
            try { return _process.HasExited; }
            catch (InvalidOperationException) { return true; }
        }
    }

    public int? ExitCode => HasExited ? _process.ExitCode : null;

    public static ChildProcess Start(string fileName, IEnumerable<string> args, string workingDir, string outputPath)
    {
        var psi = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (string a in args)
            psi.ArgumentList.Add(a);

        var output = new StreamWriter(new FileStream(outputPath, FileMode.Append, FileAccess.Write, FileShare.ReadWrite))
        {
            AutoFlush = true,
        };
        var process = new Process { StartInfo = psi };
        var child = new ChildProcess(process, output);
        process.OutputDataReceived += (_, e) => child.Write(e.Data);
        process.ErrorDataReceived += (_, e) => child.Write(e.Data);
        if (!process.Start())
            throw new InvalidOperationException($"could not start {fileName}");
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    private void Write(string? line)
    {
        if (line is null)
            return;
        lock (_output)
        {
            try { _output.WriteLine(line); }
            catch (ObjectDisposedException) { }
        }
    }

    /// <summary>SIGTERM; returns false when the process was already gone.</summary>
    public bool Terminate() => !HasExited && Posix.SendSignal(Pid, Posix.SIGTERM);

    public void KillHard()
    {
        try
        {
            if (!HasExited)
                _process.Kill();
        }
        catch (InvalidOperationException) { }
        catch (System.ComponentModel.Win32Exception) { }
    }

    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return HasExited;
        }
    }

    /// <summary>Closes the output file. The Process object is kept: it still answers HasExited for RunningPids.</summary>
    public void Dispose()
    {
        lock (_output)
            _output.Dispose();
    }
}
