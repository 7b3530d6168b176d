namespace TorRelay.Deploy.Tests;

// TorRelay.Directory, a namespace, would shadow it.
using Directory = System.IO.Directory;

/// <summary>
/// <c>make install</c> as root with no DESTDIR, the operator's path, inside a private mount namespace whose /etc,
/// /usr/local and /var/lib are scratch copies: the system user and the 0700 DataDirectory appear there, the host's
/// own /etc/passwd is never touched.
/// </summary>
public sealed class RootInstallTests : IDisposable
{
    private readonly DirectoryInfo _scratch = Directory.CreateTempSubdirectory("torrelay-rootinstall-");

    [Fact]
    public void ARootInstallCreatesTheSystemUserOnceAndItCanRunTheRelay()
    {
        InstalledTree.EnsureBuilt();
        string passwdBefore = File.ReadAllText("/etc/passwd");
        string s = _scratch.FullName;
        string script = $"""
            set -eu
            cp -a /etc {s}/etc && mkdir {s}/usrlocal {s}/varlib
            mount --make-rprivate /
            mount --bind {s}/etc /etc && mount --bind {s}/usrlocal /usr/local && mount --bind {s}/varlib /var/lib
            make -s -C '{RepoPaths.Root}' install
            make -s -C '{RepoPaths.Root}' install
            echo "owner $(stat -c %U:%a /var/lib/torrelay)"
            runuser -u _torrelay -- /usr/local/bin/torrelay -f /etc/torrelay/torrc --verify-config --hush
            """;

        var result = ProcessRunner.Run("unshare", ["--mount", "bash", "-c", script], s, TimeSpan.FromMinutes(5));

        Assert.True(result.ExitCode == 0, result.ToString());
        string output = result.StdOut;
        Assert.Single(output.Split('\n'), l => l == "created system user _torrelay");
        Assert.Contains("kept /etc/torrelay/torrc", output);
        Assert.Contains("owner _torrelay:700", output);
        Assert.Contains("Configuration was valid", output);
        Assert.Contains("_torrelay:", File.ReadAllText(Path.Combine(s, "etc/passwd")));
        Assert.Equal(passwdBefore, File.ReadAllText("/etc/passwd"));
    }

    public void Dispose() => _scratch.Delete(recursive: true);
}
