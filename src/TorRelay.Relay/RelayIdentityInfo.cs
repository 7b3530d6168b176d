namespace TorRelay.Relay;

/// <summary>What we claim about ourselves in descriptors: only what this build implements.</summary>
public static class RelayIdentityInfo
{
    /// <summary>
    /// Implemented: link protocols 3-5 with Ed25519-SHA256-RFC5705 authentication; circuits with CREATE2/EXTEND2, ntor
    /// and ntor-v3 (Relay=2-4); authenticated SENDMEs (FlowCtrl=1, prop 289) and congestion control negotiated in
    /// ntor-v3 with XON/XOFF stream flow control at the exit (FlowCtrl=2, prop 324; C tor clients ask for it only from
    /// exits claiming both FlowCtrl=2 and Relay=4); a directory cache over BEGIN_DIR serving both consensus flavours
    /// (Cons=1-2), server descriptors (Desc=1-2) and microdescriptors (Microdesc=1-2), DirCache=2. Not yet, so not
    /// claimed: onion-service roles (HSDir, HSIntro, HSRend), padding, conflux (which FlowCtrl=2 would let clients use
    /// only together with Conflux=1).
    /// </summary>
    public const string Protocols = "Cons=1-2 Desc=1-2 DirCache=2 FlowCtrl=1-2 Link=3-5 LinkAuth=3 Microdesc=1-2 Relay=2-4";

    /// <summary>Not "Tor …", so authorities do not version-check us as C tor (see dir-spec "platform").</summary>
    public static string Platform =>
        $"TorRelay {typeof(RelayIdentityInfo).Assembly.GetName().Version?.ToString(3) ?? "0.1.0"} on .NET {Environment.Version.Major}";

    /// <summary>tor's "--list-fingerprint" form: the fingerprint in groups of four hex digits.</summary>
    public static string FormatFingerprint(byte[] fingerprint)
    {
        var hex = Convert.ToHexString(fingerprint);
        return string.Join(' ', Enumerable.Range(0, hex.Length / 4).Select(i => hex.Substring(i * 4, 4)));
    }
}
