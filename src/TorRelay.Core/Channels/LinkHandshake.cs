using System.Net;
using System.Security.Cryptography;
using TorRelay.Cells;
using TorRelay.Cells.Certs;
using TorRelay.Cells.Link;
using TorRelay.Crypto;

namespace TorRelay.Core.Channels;

/// <summary>
/// The in-protocol v3 link handshake (tor-spec §4) over an established TLS connection, in either role.
/// Responder: VERSIONS, CERTS, AUTH_CHALLENGE, NETINFO, then reads the initiator's optional CERTS + AUTHENTICATE and
/// its NETINFO. Initiator: VERSIONS, reads the responder's cells, then CERTS, AUTHENTICATE (Ed25519-SHA256-RFC5705)
/// and NETINFO. Any violation throws <see cref="LinkHandshakeException"/> and the caller closes the connection.
/// </summary>
public sealed class LinkHandshake(LinkCredentials credentials, IReadOnlyList<IPAddress> ourAddresses,
    TimeProvider time, IRandomSource random)
{
    public const string ExporterLabel = "EXPORTER FOR TOR TLS CLIENT BINDING AUTH0003";

    public async Task<LinkHandshakeResult> RespondAsync(ILinkTransport link, CancellationToken ct)
    {
        using var io = new HandshakeCellIo(link.Transport);
        var (first, versionsPayload) = await io.ReadAsync(static _ => true, ct).ConfigureAwait(false);
        if (first.Command != CellCommand.Versions)
            throw new LinkHandshakeException($"expected VERSIONS, got command {(int)first.Command}");
        int version = Negotiate(versionsPayload);

        io.Write(CellCommand.Versions, VersionsCell.Encode(LinkVersion.Supported));
        io.LinkVersion = version;
        io.Write(CellCommand.Certs, new CertsCell([
            (CertType.RsaLink, credentials.LinkCertDer),
            (CertType.RsaIdentity, credentials.IdentityCertDer),
            (CertType.Ed25519Signing, credentials.SigningCert.Encoded),
            (CertType.Ed25519TlsLink, credentials.TlsLinkCert.Encoded),
            (CertType.RsaEd25519Cross, credentials.CrossCert.Encoded),
        ]).Encode());
        var challenge = new byte[32];
        random.Fill(challenge);
        io.Write(CellCommand.AuthChallenge, new AuthChallengeCell(challenge, [AuthChallengeCell.Ed25519Sha256Rfc5705]).Encode());
        byte[] slog = io.FinishSentDigest();
        io.Write(CellCommand.Netinfo, MakeNetinfo(link.RemoteEndPoint));
        await io.FlushAsync(ct).ConfigureAwait(false);

        PeerIdentity? claimed = null, proven = null;
        Ed25519Cert? authKeyCert = null;
        bool sawCerts = false;
        while (true)
        {
            var (h, payload) = await io.ReadAsync(static c => c != CellCommand.Authenticate, ct).ConfigureAwait(false);
            switch (h.Command)
            {
                case CellCommand.Padding or CellCommand.VPadding or CellCommand.Authorize:
                    continue;
                case CellCommand.Certs:
                    if (sawCerts) throw new LinkHandshakeException("second CERTS cell");
                    sawCerts = true;
                    if (!CertsCell.TryDecode(payload, out var certs, out _)) throw new LinkHandshakeException("malformed CERTS cell");
                    if (!LinkCertValidator.TryValidateInitiator(certs!, time.GetUtcNow(), out claimed, out authKeyCert, out var why))
                        throw new LinkHandshakeException("initiator certificates rejected: " + why);
                    continue;
                case CellCommand.Authenticate:
                    if (claimed is null || authKeyCert is null) throw new LinkHandshakeException("AUTHENTICATE without CERTS");
                    if (proven is not null) throw new LinkHandshakeException("second AUTHENTICATE cell");
                    byte[] clog = io.CurrentReceivedDigest();
                    io.StopReceivedDigest();
                    VerifyAuthenticate(link, payload, claimed, authKeyCert, slog, clog);
                    proven = claimed;
                    continue;
                case CellCommand.Netinfo:
                    if (!NetinfoCell.TryDecode(payload, out var netinfo, out _)) throw new LinkHandshakeException("malformed NETINFO cell");
                    return new LinkHandshakeResult(version, proven, Inbound: true, netinfo!, Skew(netinfo!), link.RemoteEndPoint);
                default:
                    throw new LinkHandshakeException($"unexpected command {(int)h.Command} during handshake");
            }
        }
    }

    /// <summary>
    /// Connects and checks the responder is <paramref name="expectedRsaFingerprint"/>. As a relay it authenticates;
    /// <paramref name="asClient"/> makes it a tor client's handshake (tor-spec §4): no CERTS or AUTHENTICATE, and a
    /// NETINFO with timestamp 0 and none of our addresses, so the relay sees an unauthenticated client.
    /// </summary>
    public async Task<LinkHandshakeResult> InitiateAsync(ILinkTransport link, byte[]? expectedRsaFingerprint, CancellationToken ct,
        bool asClient = false)
    {
        using var io = new HandshakeCellIo(link.Transport);
        io.Write(CellCommand.Versions, VersionsCell.Encode(LinkVersion.Supported));
        await io.FlushAsync(ct).ConfigureAwait(false);

        var (first, versionsPayload) = await io.ReadAsync(static _ => true, ct).ConfigureAwait(false);
        if (first.Command != CellCommand.Versions)
            throw new LinkHandshakeException($"expected VERSIONS, got command {(int)first.Command}");
        int version = Negotiate(versionsPayload);
        io.LinkVersion = version;

        PeerIdentity? peer = null;
        byte[]? slog = null;
        bool methodOffered = false;
        while (true)
        {
            var (h, payload) = await io.ReadAsync(static _ => true, ct).ConfigureAwait(false);
            switch (h.Command)
            {
                case CellCommand.Padding or CellCommand.VPadding:
                    continue;
                case CellCommand.Certs:
                    if (peer is not null) throw new LinkHandshakeException("second CERTS cell");
                    if (!CertsCell.TryDecode(payload, out var certs, out _)) throw new LinkHandshakeException("malformed CERTS cell");
                    if (!LinkCertValidator.TryValidateResponder(certs!, link.PeerCertificateDer, time.GetUtcNow(), out peer, out _, out var why))
                        throw new LinkHandshakeException("responder certificates rejected: " + why);
                    if (expectedRsaFingerprint is not null && !peer!.RsaFingerprint.AsSpan().SequenceEqual(expectedRsaFingerprint))
                        throw new LinkHandshakeException($"peer identity is {peer.Hex}, expected {Convert.ToHexString(expectedRsaFingerprint)}");
                    continue;
                case CellCommand.AuthChallenge:
                    if (peer is null) throw new LinkHandshakeException("AUTH_CHALLENGE before CERTS");
                    if (slog is not null) throw new LinkHandshakeException("second AUTH_CHALLENGE cell");
                    if (!AuthChallengeCell.TryDecode(payload, out var ac, out _)) throw new LinkHandshakeException("malformed AUTH_CHALLENGE cell");
                    methodOffered = ac!.Methods.Contains(AuthChallengeCell.Ed25519Sha256Rfc5705);
                    slog = io.CurrentReceivedDigest();
                    io.StopReceivedDigest();
                    continue;
                case CellCommand.Netinfo:
                    if (peer is null) throw new LinkHandshakeException("NETINFO before CERTS");
                    if (!NetinfoCell.TryDecode(payload, out var netinfo, out _)) throw new LinkHandshakeException("malformed NETINFO cell");
                    if (!asClient && slog is not null && methodOffered)
                    {
                        io.Write(CellCommand.Certs, new CertsCell([
                            (CertType.RsaAuthenticate, credentials.AuthCertDer),
                            (CertType.RsaIdentity, credentials.IdentityCertDer),
                            (CertType.Ed25519Signing, credentials.SigningCert.Encoded),
                            (CertType.Ed25519Authenticate, credentials.AuthKeyCert.Encoded),
                            (CertType.RsaEd25519Cross, credentials.CrossCert.Encoded),
                        ]).Encode());
                        byte[] clog = io.FinishSentDigest();
                        io.Write(CellCommand.Authenticate, new AuthenticateCell(AuthChallengeCell.Ed25519Sha256Rfc5705,
                            BuildAuthenticator(link, peer, slog, clog)).Encode());
                    }
                    io.Write(CellCommand.Netinfo, asClient
                        ? new NetinfoCell(0, (link.RemoteEndPoint as IPEndPoint)?.Address, []).Encode()
                        : MakeNetinfo(link.RemoteEndPoint));
                    await io.FlushAsync(ct).ConfigureAwait(false);
                    return new LinkHandshakeResult(version, peer, Inbound: false, netinfo!, Skew(netinfo!), link.RemoteEndPoint);
                default:
                    throw new LinkHandshakeException($"unexpected command {(int)h.Command} during handshake");
            }
        }
    }

    private static int Negotiate(byte[] versionsPayload)
    {
        if (!VersionsCell.TryDecode(versionsPayload, out var theirs, out _)) throw new LinkHandshakeException("malformed VERSIONS cell");
        int v = VersionsCell.Negotiate(LinkVersion.Supported, theirs);
        if (v < 3) throw new LinkHandshakeException($"no common link protocol version (peer offers {string.Join(",", theirs)})");
        return v;
    }

    /// <summary>The AUTH0003 fields both sides must agree on, from the initiator's and the responder's identities.</summary>
    private byte[] FixedPart(ILinkTransport link, PeerIdentity initiator, PeerIdentity responder, byte[] slog, byte[] clog, byte[] responderTlsCert)
    {
        var cid = SHA256.HashData(initiator.RsaKey.ToPkcs1Der());
        var sid = SHA256.HashData(responder.RsaKey.ToPkcs1Der());
        Span<byte> secrets = stackalloc byte[32];
        // C tor 0.4.9 uses CID as the exporter context (relay_handshake.c), not the ed25519 key the 2023 spec names.
        link.ExportKeyingMaterial(ExporterLabel, cid, secrets);
        var fixedPart = new byte[Auth3Authenticator.FixedPartLength];
        Auth3Authenticator.WriteFixedPart(fixedPart, cid, sid, initiator.Ed25519Key.Bytes, responder.Ed25519Key.Bytes,
            slog, clog, SHA256.HashData(responderTlsCert), secrets);
        return fixedPart;
    }

    private byte[] BuildAuthenticator(ILinkTransport link, PeerIdentity responder, byte[] slog, byte[] clog)
    {
        var me = new PeerIdentity(credentials.RsaIdentity, credentials.Ed25519Identity);
        var fixedPart = FixedPart(link, me, responder, slog, clog, link.PeerCertificateDer!);
        var auth = new byte[Auth3Authenticator.Length];
        fixedPart.CopyTo(auth, 0);
        random.Fill(auth.AsSpan(Auth3Authenticator.FixedPartLength, Auth3Authenticator.RandLength));
        credentials.AuthKey.Sign(auth.AsSpan(0, Auth3Authenticator.SignedLength), auth.AsSpan(Auth3Authenticator.SignedLength));
        return auth;
    }

    private void VerifyAuthenticate(ILinkTransport link, byte[] payload, PeerIdentity initiator, Ed25519Cert authKeyCert, byte[] slog, byte[] clog)
    {
        if (!AuthenticateCell.TryDecode(payload, out var cell, out _)) throw new LinkHandshakeException("malformed AUTHENTICATE cell");
        if (cell!.AuthType != AuthChallengeCell.Ed25519Sha256Rfc5705)
            throw new LinkHandshakeException($"AUTHENTICATE with unoffered method {cell.AuthType}");
        var a = cell.Authenticator;
        if (a.Length < Auth3Authenticator.SignedLength + Auth3Authenticator.SignatureLength)
            throw new LinkHandshakeException("AUTHENTICATE too short");
        var me = new PeerIdentity(credentials.RsaIdentity, credentials.Ed25519Identity);
        var expected = FixedPart(link, initiator, me, slog, clog, credentials.LinkCertDer);
        if (!CryptographicOperations.FixedTimeEquals(expected, a.AsSpan(0, Auth3Authenticator.FixedPartLength)))
            throw new LinkHandshakeException("AUTHENTICATE fields do not match this handshake");
        var authKey = new Ed25519PublicKey(authKeyCert.CertifiedKey);
        int sigAt = a.Length - Auth3Authenticator.SignatureLength;
        if (!authKey.Verify(a.AsSpan(0, sigAt), a.AsSpan(sigAt)))
            throw new LinkHandshakeException("AUTHENTICATE signature is not valid");
    }

    private byte[] MakeNetinfo(EndPoint? remote)
    {
        var other = (remote as IPEndPoint)?.Address;
        if (other is { IsIPv4MappedToIPv6: true }) other = other.MapToIPv4();
        return new NetinfoCell((uint)time.GetUtcNow().ToUnixTimeSeconds(), other, ourAddresses).Encode();
    }

    private TimeSpan? Skew(NetinfoCell netinfo) =>
        netinfo.Timestamp == 0 ? null : DateTimeOffset.FromUnixTimeSeconds(netinfo.Timestamp) - time.GetUtcNow();
}
