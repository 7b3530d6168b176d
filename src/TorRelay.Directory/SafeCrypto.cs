using TorRelay.Cells.Certs;
using TorRelay.Crypto;

namespace TorRelay.Directory;

/// <summary>Wraps crypto calls on network input so parsers and verifiers never throw.</summary>
internal static class SafeCrypto
{
    public static bool TryRsaPublicKey(byte[] pkcs1Der, out RsaPublicKey? key)
    {
        try
        {
            key = RsaPublicKey.FromPkcs1Der(pkcs1Der);
            return true;
        }
        catch (Exception e) when (e is not NotImplementedException)
        {
            key = null;
            return false;
        }
    }

    public static bool VerifyRaw(RsaPublicKey key, ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
    {
        try
        {
            return key.VerifyRaw(data, signature);
        }
        catch (Exception e) when (e is not NotImplementedException)
        {
            return false;
        }
    }

    public static bool VerifyEd25519(Ed25519PublicKey key, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
    {
        try
        {
            return signature.Length == 64 && key.Verify(message, signature);
        }
        catch (Exception e) when (e is not NotImplementedException)
        {
            return false;
        }
    }

    public static bool VerifyCert(Ed25519Cert cert, Ed25519PublicKey? signer)
    {
        try
        {
            return cert.VerifySignature(signer);
        }
        catch (Exception e) when (e is not NotImplementedException)
        {
            return false;
        }
    }

    public static bool TryDecodeCert(byte[] encoded, out Ed25519Cert? cert, out string? error)
    {
        try
        {
            return Ed25519Cert.TryDecode(encoded, out cert, out error);
        }
        catch (Exception e) when (e is not NotImplementedException)
        {
            cert = null;
            error = "malformed ed25519 certificate";
            return false;
        }
    }

    /// <summary>The ed25519 key matching a curve25519 key and sign bit (proposal 228), for ntor crosscerts.</summary>
    public static bool TryEd25519FromCurve25519(byte[] curvePublic, int signBit, out Ed25519PublicKey? key)
    {
        try
        {
            key = Ed25519PublicKey.FromCurve25519(curvePublic, signBit);
            return true;
        }
        catch (Exception e) when (e is not NotImplementedException)
        {
            key = null;
            return false;
        }
    }

    public static int Bits(RsaPublicKey key)
    {
        try
        {
            return key.Bits;
        }
        catch (Exception e) when (e is not NotImplementedException)
        {
            return 0;
        }
    }
}
