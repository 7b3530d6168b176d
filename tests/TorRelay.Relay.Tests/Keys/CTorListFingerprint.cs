using System.Diagnostics;
using System.Text.RegularExpressions;

namespace TorRelay.Relay.Tests.Keys;

/// <summary>
/// Runs `tor --list-fingerprint` on a DataDirectory: it loads or creates every relay key and exits without touching
/// the network. Empty torrc and defaults file so no system configuration leaks in; TestingTorNetwork with a dummy
/// loopback authority.
/// </summary>
internal static partial class CTorListFingerprint
{
    public sealed record Result(string RsaFingerprint, string Ed25519Identity, string Output);

    public static Result Run(string dataDirectory, string scratch)
    {
        var emptyTorrc = Path.Combine(scratch, "empty-torrc");
        File.WriteAllText(emptyTorrc, "");
        var psi = new ProcessStartInfo("tor")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[]
        {
            "--list-fingerprint", "-f", emptyTorrc, "--defaults-torrc", emptyTorrc,
            "--DataDirectory", dataDirectory, "--ORPort", "127.0.0.1:5", "--Address", "127.0.0.1",
            "--Nickname", "Test", "--SocksPort", "0", "--TestingTorNetwork", "1",
            "--DirAuthority", "x orport=1 no-v2 v3ident=0000000000000000000000000000000000000000 127.0.0.1:2 0000000000000000000000000000000000000000",
            "--Log", "notice stdout",
        })
            psi.ArgumentList.Add(arg);

        using var process = Process.Start(psi) ?? throw new InvalidOperationException("cannot start tor");
        try
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
                throw new TimeoutException("tor --list-fingerprint did not exit");
            var output = stdout.Result + stderr.Result;
            if (process.ExitCode != 0) throw new InvalidOperationException($"tor exited {process.ExitCode}:\n{output}");
            var rsa = RsaLine().Match(output);
            var ed = Ed25519Line().Match(output);
            if (!rsa.Success || !ed.Success) throw new InvalidOperationException($"unexpected tor output:\n{output}");
            return new Result(rsa.Groups[1].Value.Replace(" ", ""), ed.Groups[1].Value, output);
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
    }

    // The final line: "Test 363E C8ED ..." (10 groups of 4 hex digits).
    [GeneratedRegex(@"^Test ((?:[0-9A-F]{4} ){9}[0-9A-F]{4})\s*$", RegexOptions.Multiline)]
    private static partial Regex RsaLine();

    [GeneratedRegex(@"ed25519 fingerprint is 'Test ([A-Za-z0-9+/]{43})'")]
    private static partial Regex Ed25519Line();
}
