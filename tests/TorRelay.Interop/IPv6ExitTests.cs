using System.Diagnostics;
using TorRelay.TestNet;
using Xunit.Abstractions;

namespace TorRelay.Interop;

/// <summary>
/// Our exit carries a C tor client's stream to an IPv6-only destination. IPv6 exiting needs a policy that accepts
/// every IPv6 address (a C tor client reads only the ipv6-policy summary, which counts nothing narrower), and such a
/// policy is safe only where there is no IPv6 but ::1: a network namespace of our own. So this test runs a whole
/// private network of its own inside `unshare --user --map-root-user --net` (no root needed where the kernel lets users
/// create namespaces, as Debian's does), driven by `TorRelay.TestNet --ipv6-exit-check`
/// (<see cref="IPv6ExitCheck"/>), and judges what that saw. It joins the shared network's collection so that the two
/// networks do not compete for the CPU.
/// </summary>
[Collection("TorNetwork")]
public sealed class IPv6ExitTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(8);

    [Fact]
    public async Task ClientReachesAnIPv6OnlyNameThroughOurExit()
    {
        string workDir = Path.Combine(Directory.CreateTempSubdirectory("torrelay-ipv6exit-").FullName, "net");
        var (exitCode, stdout, stderr) = await RunInPrivateNamespaceAsync(workDir);
        output.WriteLine(stdout);
        string context = $"exit code {exitCode}; logs under {workDir}\n{stdout}\n{Tail(stderr, 3000)}";
        Assert.True(exitCode == 0, context);

        var facts = stdout.Split('\n').Where(l => l.StartsWith("fact ", StringComparison.Ordinal))
            .Select(l => l[5..].Split(' ', 2)).ToDictionary(p => p[0], p => p.Length > 1 ? p[1].Trim() : "");
        string fp = facts["fingerprint"];
        // What the client read in our descriptor, and why it allowed IPv6 at all.
        Assert.Equal("ipv6-policy accept 1-65535", facts["descriptor.ipv6-policy"]);
        Assert.Equal(IPv6ExitCheck.DownloadBytes.ToString(System.Globalization.CultureInfo.InvariantCulture), facts["name.bytes"]);
        Assert.Equal("True", facts["name.sha256-matches"]);
        // The client's own view: the stream's circuit ended at our relay, whose CONNECTED named the IPv6 address.
        Assert.StartsWith("$" + fp, facts["name.exit"], StringComparison.Ordinal);
        Assert.StartsWith("[::1]", facts["name.connected-as"], StringComparison.Ordinal);
        // The destination saw an IPv6 connection.
        Assert.Equal("::1", facts["server.peers"]);
    }

    private static async Task<(int ExitCode, string StdOut, string StdErr)> RunInPrivateNamespaceAsync(string workDir)
    {
        string testNet = Path.Combine(AppContext.BaseDirectory, "TorRelay.TestNet.dll");
        string dotnet = Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet" ? Environment.ProcessPath! : "dotnet";
        var psi = new ProcessStartInfo("unshare")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        // A user namespace too, so that an ordinary user may make the network namespace and bring its loopback up.
        // unshare and sh exec their successors: the PID we hold is the check's, which stops its network on SIGTERM.
        foreach (string a in (string[])["--user", "--map-root-user", "--net", "--", "sh", "-c", "ip link set lo up && exec \"$@\"", "sh",
                     dotnet, testNet, "--relay-binary", RepoPaths.RelayBinary(), "--ipv6-exit-check", "--work-dir", workDir])
            psi.ArgumentList.Add(a);
        using var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start unshare");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(Limit);
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            Posix.SendSignal(process.Id, Posix.SIGTERM);
            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            try
            {
                await process.WaitForExitAsync(grace.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }
            return (-1, await stdout, $"ran longer than {Limit}\n" + await stderr);
        }
        return (process.ExitCode, await stdout, await stderr);
    }

    private static string Tail(string text, int chars) => text.Length <= chars ? text : text[^chars..];
}
