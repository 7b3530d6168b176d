using System.Diagnostics;

namespace TorRelay.Directory.Tests.CTor;

/// <summary>Runs short-lived tools (tor-gencert, tor --list-fingerprint) to completion.</summary>
internal static class ProcessRunner
{
    public static async Task<string> RunAsync(string exe, IEnumerable<string> args, string workingDirectory,
        string? stdin = null, int timeoutSeconds = 60)
    {
        var psi = new ProcessStartInfo(exe)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {exe}");
        try
        {
            if (stdin is not null) await p.StandardInput.WriteAsync(stdin);
            p.StandardInput.Close();
            Task<string> stdout = p.StandardOutput.ReadToEndAsync();
            Task<string> stderr = p.StandardError.ReadToEndAsync();
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(timeoutSeconds));
            await p.WaitForExitAsync(cts.Token);
            string output = await stdout + await stderr;
            if (p.ExitCode != 0) throw new InvalidOperationException($"{exe} exited with {p.ExitCode}: {output}");
            return output;
        }
        finally
        {
            if (!p.HasExited) p.Kill();
        }
    }
}
