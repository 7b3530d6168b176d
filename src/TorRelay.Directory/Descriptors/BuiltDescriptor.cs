using TorRelay.Directory.Netdoc;

namespace TorRelay.Directory.Descriptors;

/// <summary>A signed server descriptor and its extra-info document, in netdoc wire text (one char per byte).</summary>
public sealed record BuiltDescriptor(
    string Descriptor,
    string ExtraInfo,
    byte[] DescriptorDigest,
    byte[] ExtraInfoDigest,
    byte[] ExtraInfoDigest256,
    byte[] Fingerprint)
{
    /// <summary>What C tor POSTs to /tor/: the descriptor immediately followed by the extra-info.</summary>
    public string UploadBody => Descriptor + ExtraInfo;

    /// <summary>Uppercase hex of the RSA identity digest.</summary>
    public string FingerprintHex => NetdocFormat.Hex(Fingerprint);
}
