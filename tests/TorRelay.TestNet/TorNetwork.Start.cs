using Microsoft.Extensions.Logging;

namespace TorRelay.TestNet;

public sealed partial class TorNetwork
{
    /// <summary>Written into a work directory we created, so a later run may wipe it and nothing else.</summary>
    private const string Marker = ".torrelay-testnet";

    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Generates keys and torrcs, starts every process, and returns once each listens on its ports. It does not
    /// wait for a consensus: use <see cref="WaitForRelayAsync"/> and friends. On failure everything started is
    /// stopped before the exception propagates.
    /// </summary>
    public static async Task<TorNetwork> StartAsync(NetworkSpec spec, ILogger? log = null, CancellationToken ct = default)
    {
        Validate(spec);
        var network = new TorNetwork(spec, PrepareWorkDir(spec.WorkDir), log);
        try
        {
            await network.LaunchAsync(ct).ConfigureAwait(false);
            return network;
        }
        catch
        {
            await network.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static void Validate(NetworkSpec spec)
    {
        if (spec.Authorities < 1 || spec.Relays < 0 || spec.Exits < 0)
            throw new ArgumentException("need at least one authority and no negative counts", nameof(spec));
        if (spec.OurExitAcceptsIPv6 && !PrivateNetworkNamespace.IsCurrent())
            throw new ArgumentException(
                "an exit that accepts every IPv6 address runs only inside a private network namespace (unshare --net)", nameof(spec));
        if (spec.OurRelayBinary is not null && !spec.OurRelayCTorStandIn && !File.Exists(spec.OurRelayBinary))
            throw new FileNotFoundException(
                $"our relay's binary {spec.OurRelayBinary} does not exist; run `make build` first", spec.OurRelayBinary);
    }

    private static string PrepareWorkDir(string? requested)
    {
        if (requested is null)
        {
            string dir = Directory.CreateTempSubdirectory("torrelay-testnet-").FullName;
            File.WriteAllText(Path.Combine(dir, Marker), "");
            return dir;
        }
        string full = Path.GetFullPath(requested);
        if (Directory.Exists(full) && Directory.EnumerateFileSystemEntries(full).Any())
        {
            if (!File.Exists(Path.Combine(full, Marker)))
                throw new IOException($"{full} is not empty and was not made by TorRelay.TestNet; refusing to use it");
            Directory.Delete(full, recursive: true);
        }
        Directory.CreateDirectory(full);
        File.WriteAllText(Path.Combine(full, Marker), "");
        return full;
    }

    private async Task LaunchAsync(CancellationToken ct)
    {
        string emptyFile = Path.Combine(WorkDir, "empty");
        string resolvConf = Path.Combine(WorkDir, "resolv.conf");
        await File.WriteAllTextAsync(emptyFile, "", ct).ConfigureAwait(false);
        // Exits resolve through a nameserver that is not there: no real DNS query ever leaves the machine.
        await File.WriteAllTextAsync(resolvConf, "nameserver 127.0.0.1\n", ct).ConfigureAwait(false);

        string ourResolvConf = Path.Combine(WorkDir, "our-resolv.conf");
        if (Spec.OurRelayIsExit && Spec.HasOurRelay && !Spec.OurRelayCTorStandIn)
        {
            Dns = new LoopbackDnsServer(Spec.DnsNames);
            await File.WriteAllTextAsync(ourResolvConf, $"nameserver {Dns.EndPoint}\n", ct).ConfigureAwait(false);
        }

        using (var ports = new PortAllocator())
        {
            DefineNodes(ports);
            _log.LogInformation("work dir {WorkDir}; generating keys for {Count} nodes", WorkDir, _nodes.Count);
            await Task.WhenAll(_nodes.Where(n => n.IsCTor && n.OrPort != 0).Select(async n =>
            {
                if (n.Role == NodeRole.Authority)
                    await GenerateAuthorityKeysAsync(n, ct).ConfigureAwait(false);
                await ListFingerprintAsync(n, emptyFile, ct).ConfigureAwait(false);
            })).ConfigureAwait(false);

            var authorities = Authorities;
            var exits = Exits;
            foreach (var n in _nodes)
            {
                string torrc = n.IsCTor
                    ? TorrcWriter.CTor(n, authorities, exits, emptyFile, resolvConf, Environment.ProcessId, Spec.ClientExtraLines, OurBridge ?? OurRelay)
                      + (n.Role == NodeRole.Authority ? string.Concat(Spec.AuthorityExtraLines.Select(l => l + "\n")) : "")
                    : n.Role == NodeRole.OurBridge ? TorrcWriter.OurRelay(n, authorities) + "BridgeRelay 1\n"
                    : Dns is not null ? TorrcWriter.OurRelay(n, authorities, TorrcWriter.OurExit(ourResolvConf, Spec.OurExitAcceptsIPv6))
                    : TorrcWriter.OurRelay(n, authorities);
                await File.WriteAllTextAsync(n.TorrcPath, torrc, ct).ConfigureAwait(false);
            }
            ports.ReleaseAll();

            StartedAt = DateTimeOffset.UtcNow;
            foreach (var n in _nodes)
                StartProcess(n);
        }
        // For a human cleaning up after a crash: what we started, by PID.
        await File.WriteAllLinesAsync(Path.Combine(WorkDir, "pids"), _nodes.Select(n => $"{n.Pid} {n.Nickname}"), ct)
            .ConfigureAwait(false);
        _log.LogInformation("started {Count} processes; waiting for their ports", _nodes.Count);
        await Task.WhenAll(_nodes.Select(n => WaitUntilListeningAsync(n, ct))).ConfigureAwait(false);
        _log.LogInformation("all {Count} processes listen ({Seconds:F1} s after start)", _nodes.Count,
            (DateTimeOffset.UtcNow - StartedAt).TotalSeconds);
    }

    private void DefineNodes(PortAllocator ports)
    {
        TorNode Add(string nick, NodeRole role, bool isCTor)
        {
            string dir = Path.Combine(WorkDir, nick);
            Directory.CreateDirectory(dir);
            var node = new TorNode(nick, role, isCTor, dir);
            if (role is not (NodeRole.Client or NodeRole.BridgeClient))
                node.OrPort = ports.Next();
            if (isCTor)
                node.ControlPort = ports.Next();
            _nodes.Add(node);
            return node;
        }

        for (int i = 0; i < Spec.Authorities; i++)
            Add($"auth{i}", NodeRole.Authority, true).DirPort = ports.Next();
        for (int i = 0; i < Spec.Relays; i++)
            Add($"relay{i}", NodeRole.Relay, true);
        for (int i = 0; i < Spec.Exits; i++)
            Add($"exit{i}", NodeRole.Exit, true);
        if (Spec.HasOurRelay)
        {
            var ours = Add(Spec.OurRelayNickname, NodeRole.OurRelay, Spec.OurRelayCTorStandIn);
            if (!Spec.OurRelayCTorStandIn) ours.MetricsPort = ports.Next();
        }
        if (Spec.Client)
            Add("client0", NodeRole.Client, true).SocksPort = ports.Next();
        if (Spec.OurBridge && Spec.OurRelayBinary is not null && !Spec.OurRelayCTorStandIn)
            Add("ourbridge", NodeRole.OurBridge, false);
        if (Spec.BridgeClient && Spec.HasOurRelay)
            Add("bridgeclient0", NodeRole.BridgeClient, true).SocksPort = ports.Next();
    }

    /// <summary>tor-gencert's authority identity, signing key and certificate, where tor looks for them.</summary>
    private async Task GenerateAuthorityKeysAsync(TorNode node, CancellationToken ct)
    {
        string keys = Path.Combine(node.DataDirectory, "keys");
        Directory.CreateDirectory(keys);
        await ToolRunner.RunAsync(Spec.TorGencertBinary,
            ["--create-identity-key", "--passphrase-fd", "0", "-m", "12", "-a", $"127.0.0.1:{node.DirPort}",
             "-i", "authority_identity_key", "-s", "authority_signing_key", "-c", "authority_certificate"],
            keys, "pw\n", TimeSpan.FromSeconds(60), ct).ConfigureAwait(false);
        string cert = await File.ReadAllTextAsync(Path.Combine(keys, "authority_certificate"), ct).ConfigureAwait(false);
        node.V3Identity = cert.Split('\n').Select(l => l.Trim())
            .Where(l => l.StartsWith("fingerprint ", StringComparison.Ordinal))
            .Select(l => l["fingerprint ".Length..].Trim().ToUpperInvariant())
            .FirstOrDefault() ?? throw new InvalidOperationException($"no fingerprint in {node.Nickname}'s authority_certificate");
    }

    /// <summary>Creates the node's identity keys with <c>tor --list-fingerprint</c> and records the fingerprint.</summary>
    private async Task ListFingerprintAsync(TorNode node, string emptyFile, CancellationToken ct)
    {
        string torrc = Path.Combine(node.DataDirectory, "keygen.torrc");
        await File.WriteAllTextAsync(torrc, TorrcWriter.KeyGeneration(node, emptyFile), ct).ConfigureAwait(false);
        string output = await ToolRunner.RunAsync(Spec.TorBinary, ["--list-fingerprint", "-f", torrc, "--quiet"],
            node.DataDirectory, null, TimeSpan.FromSeconds(60), ct).ConfigureAwait(false);
        node.Fingerprint = ReadFingerprintFile(node)
            ?? throw new InvalidOperationException($"tor --list-fingerprint wrote no fingerprint for {node.Nickname}:\n{output}");
    }

    /// <summary>DataDirectory/fingerprint ("nick HEX"), which C tor writes and our relay may write too.</summary>
    private static string? ReadFingerprintFile(TorNode node)
    {
        string path = Path.Combine(node.DataDirectory, "fingerprint");
        if (!File.Exists(path))
            return null;
        string[] f = LogFiles.ReadAll(path).Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return f.Length >= 2 && f[1].Length == 40 && f[1].All(char.IsAsciiHexDigit) ? f[1].ToUpperInvariant() : null;
    }

    private void StartProcess(TorNode node)
    {
        // Our relay's path is made absolute: the process starts in its DataDirectory.
        string binary = node.IsCTor ? Spec.TorBinary : Path.GetFullPath(Spec.OurRelayBinary!);
        node.Process = ChildProcess.Start(binary, ["-f", node.TorrcPath], node.DataDirectory, node.StdoutPath);
        _log.LogDebug("started {Node}", node);
    }

    private async Task WaitUntilListeningAsync(TorNode node, CancellationToken ct)
    {
        // A bridge client starts with DisableNetwork 1, which keeps its SocksPort closed until it is enabled.
        int socks = node.Role == NodeRole.BridgeClient ? 0 : node.SocksPort;
        int[] needed = new[] { node.OrPort, node.DirPort, node.ControlPort, socks }.Where(p => p != 0).ToArray();
        var deadline = DateTimeOffset.UtcNow + ReadyTimeout;
        while (!needed.All(ListeningPorts.IsListening))
        {
            if (node.Process!.HasExited)
                throw new InvalidOperationException($"{node.Nickname} exited during startup\n{LogTail(node)}");
            if (DateTimeOffset.UtcNow > deadline)
                throw new TimeoutException(
                    $"{node.Nickname} did not listen on ports {string.Join(", ", needed)} within {ReadyTimeout.TotalSeconds} s\n{LogTail(node)}");
            await Task.Delay(200, ct).ConfigureAwait(false);
        }
    }
}
