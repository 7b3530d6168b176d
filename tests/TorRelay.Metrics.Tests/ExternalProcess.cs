using System.Diagnostics;
using System.Text;

namespace TorRelay.Metrics.Tests;

/// <summary>Runs a tool to completion with stdin text; stdout and stderr are captured together.</summary>
internal static class ExternalProcess
{
    public static (int ExitCode, string Output) Run(string fileName, string arguments, string stdin, TimeSpan timeout)
    {
        var psi = new ProcessStartInfo(fileName, arguments)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using Process process = Process.Start(psi)!;
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            process.StandardInput.Write(stdin);
            process.StandardInput.Close();
            if (!process.WaitForExit(timeout))
                throw new TimeoutException($"{fileName} did not finish within {timeout}.");
            process.WaitForExit();
        }
        finally
        {
            if (!process.HasExited)
                process.Kill(entireProcessTree: true);
        }
        lock (output)
            return (process.ExitCode, output.ToString());
    }
}
