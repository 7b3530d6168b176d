using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using TorRelay.Directory.Netdoc;

namespace TorRelay.Directory.Tests.CTor;

/// <summary>
/// One C tor 0.4.9 v3 directory authority on 127.0.0.1 with Chutney's fast voting settings (see shared/TESTNET.md).
/// Dispose kills it by PID and removes its directory.
/// </summary>
internal sealed partial class TorAuthority : IDisposable
{
    private readonly Process _process;
    private readonly AuthorityKeys _keys;

    private TorAuthority(Process process, AuthorityKeys keys, string dataDirectory, DirectoryAuthority authority)
    {
        _process = process;
        _keys = keys;
        DataDirectory = dataDirectory;
        Authority = authority;
    }

    public DirectoryAuthority Authority { get; }
    public string DataDirectory { get; }
    public string LogPath => Path.Combine(DataDirectory, "notice.log");
    public string CertificateText => File.ReadAllText(_keys.CertificatePath, NetdocFormat.Wire);

    public string ReadLog() => File.Exists(LogPath) ? File.ReadAllText(LogPath) : "";

    /// <summary>Starts the authority, retrying with new ports when tor fails at start (a port taken meanwhile).</summary>
    public static async Task<TorAuthority> StartAsync()
    {
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                return await StartOnceAsync();
            }
            catch (InvalidOperationException) when (attempt < 3)
            {
            }
        }
    }

    private static async Task<TorAuthority> StartOnceAsync()
    {
        int orPort = AuthorityKeys.FreePort(), dirPort = AuthorityKeys.FreePort();
        while (dirPort == orPort) dirPort = AuthorityKeys.FreePort();
        AuthorityKeys keys = await AuthorityKeys.CreateAsync(dirPort);
        try
        {
            return await StartWithKeysAsync(keys, orPort, dirPort);
        }
        catch
        {
            keys.Dispose();
            throw;
        }
    }

    private static async Task<TorAuthority> StartWithKeysAsync(AuthorityKeys keys, int orPort, int dirPort)
    {
        string data = Path.Combine(keys.Directory, "data");
        System.IO.Directory.CreateDirectory(Path.Combine(data, "keys"));
        foreach (string f in new[] { "authority_certificate", "authority_signing_key", "authority_identity_key" })
            File.Copy(Path.Combine(keys.Directory, f), Path.Combine(data, "keys", f));
        string emptyGeoIp = Path.Combine(keys.Directory, "empty-geoip");
        File.WriteAllText(emptyGeoIp, "");

        string v3ident = CertFingerprintRegex().Match(File.ReadAllText(keys.CertificatePath)).Groups[1].Value;
        string torrc = Path.Combine(keys.Directory, "torrc");
        string common = $"""
            DataDirectory {data}
            Nickname dirauth1
            TestingTorNetwork 1
            SocksPort 0
            ORPort 127.0.0.1:{orPort}
            DirPort 127.0.0.1:{dirPort}
            Address 127.0.0.1
            AddressDisableIPv6 1
            OutboundBindAddress 127.0.0.1
            ClientUseIPv6 0
            AssumeReachable 1
            PathsNeededToBuildCircuits 0.67
            GeoIPFile {emptyGeoIp}
            GeoIPv6File {emptyGeoIp}
            ContactInfo dirauth1@test.invalid
            ExitRelay 0

            """;
        // Throwaway authority line so --list-fingerprint can create the RSA identity first.
        File.WriteAllText(torrc, common +
            $"DirAuthority keygen orport=1 no-v2 v3ident={new string('0', 40)} 127.0.0.1:1 {new string('0', 40)}\n");
        string listed = await ProcessRunner.RunAsync("tor", ["--list-fingerprint", "-f", torrc, "--quiet"], keys.Directory);
        string fingerprint = ListedFingerprintRegex().Match(listed).Groups[1].Value.Replace(" ", "");
        if (fingerprint.Length != 40) throw new InvalidOperationException("no fingerprint from tor: " + listed);

        string line = $"dirauth1 orport={orPort} no-v2 v3ident={v3ident} 127.0.0.1:{dirPort} {fingerprint}";
        File.WriteAllText(torrc, common + $"""
            DirAuthority {line}
            AuthoritativeDirectory 1
            V3AuthoritativeDirectory 1
            V3AuthVotingInterval 20
            V3AuthVoteDelay 4
            V3AuthDistDelay 4
            TestingV3AuthInitialVotingInterval 20
            TestingV3AuthInitialVoteDelay 4
            TestingV3AuthInitialDistDelay 4
            V3AuthNIntervalsValid 2
            TestingMinExitFlagThreshold 0
            TestingDirAuthVoteGuard *
            TestingDirAuthVoteHSDir *
            Log notice file {Path.Combine(data, "notice.log")}

            """);
        if (!DirAuthorityLine.TryParse(line, out DirectoryAuthority? authority, out string? error))
            throw new InvalidOperationException(error);

        var psi = new ProcessStartInfo("tor")
        {
            WorkingDirectory = keys.Directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add("-f");
        psi.ArgumentList.Add(torrc);
        psi.ArgumentList.Add("--quiet");
        Process process = Process.Start(psi) ?? throw new InvalidOperationException("cannot start tor");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var node = new TorAuthority(process, keys, data, authority!);
        try
        {
            await node.WaitForDirPortAsync(TimeSpan.FromSeconds(30));
            return node;
        }
        catch
        {
            node.StopProcess();
            throw;
        }
    }

    private async Task WaitForDirPortAsync(TimeSpan limit)
    {
        var sw = Stopwatch.StartNew();
        while (sw.Elapsed < limit)
        {
            if (_process.HasExited)
                throw new InvalidOperationException($"tor exited with {_process.ExitCode}:\n{ReadLog()}");
            try
            {
                using var c = new TcpClient();
                await c.ConnectAsync(Authority.DirPort.Address, Authority.DirPort.Port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(200);
            }
        }

        throw new TimeoutException("authority DirPort did not open:\n" + ReadLog());
    }

    public async Task WaitForLogAsync(string text, TimeSpan limit)
    {
        var sw = Stopwatch.StartNew();
        while (!ReadLog().Contains(text, StringComparison.Ordinal))
        {
            if (sw.Elapsed > limit) throw new TimeoutException($"'{text}' not in the tor log:\n{ReadLog()}");
            await Task.Delay(100);
        }
    }

    public void Dispose()
    {
        StopProcess();
        _keys.Dispose();
    }

    private void StopProcess()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                _process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
        }

        _process.Dispose();
    }

    [GeneratedRegex(@"^fingerprint ([0-9A-F]{40})$", RegexOptions.Multiline)]
    private static partial Regex CertFingerprintRegex();

    [GeneratedRegex(@"^\S+ ((?:[0-9A-F]{4} ?){10})\s*$", RegexOptions.Multiline)]
    private static partial Regex ListedFingerprintRegex();
}
