using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Text;

namespace TorRelay.Core.Tests.Tls;

/// <summary>Reads the parts of an X.509 certificate the tests check, straight from the DER.</summary>
internal sealed class CertificateInspector
{
    public CertificateInspector(byte[] der)
    {
        var certificate = new AsnReader(der, AsnEncodingRules.DER).ReadSequence();
        Tbs = certificate.ReadEncodedValue().ToArray();
        SignatureAlgorithm = certificate.ReadSequence().ReadObjectIdentifier();
        Signature = certificate.ReadBitString(out _);

        var tbs = new AsnReader(Tbs, AsnEncodingRules.DER).ReadSequence();
        var versionTag = new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true);
        Version = (int)tbs.ReadSequence(versionTag).ReadInteger();
        SerialContent = tbs.ReadIntegerBytes().ToArray();
        tbs.ReadSequence(); // signature algorithm again
        IssuerCommonName = ReadCommonName(tbs, out IssuerTag);
        var validity = tbs.ReadSequence();
        NotBefore = validity.ReadUtcTime();
        NotAfter = validity.ReadUtcTime();
        SubjectCommonName = ReadCommonName(tbs, out SubjectTag);
        SubjectPublicKeyInfo = tbs.ReadEncodedValue().ToArray();
        HasMoreTbsFields = tbs.HasData;
    }

    public byte[] Tbs { get; }
    public string SignatureAlgorithm { get; }
    public byte[] Signature { get; }
    public int Version { get; }
    public byte[] SerialContent { get; }
    public string IssuerCommonName { get; }
    public readonly Asn1Tag IssuerTag;
    public DateTimeOffset NotBefore { get; }
    public DateTimeOffset NotAfter { get; }
    public string SubjectCommonName { get; }
    public readonly Asn1Tag SubjectTag;
    public byte[] SubjectPublicKeyInfo { get; }
    public bool HasMoreTbsFields { get; }

    public bool IsSignedBy(RSA key) =>
        SignatureAlgorithm == "1.2.840.113549.1.1.11"
        && key.VerifyData(Tbs, Signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);

    private static string ReadCommonName(AsnReader tbs, out Asn1Tag tag)
    {
        var name = tbs.ReadSequence();
        var attribute = name.ReadSetOf().ReadSequence();
        if (attribute.ReadObjectIdentifier() != "2.5.4.3" || name.HasData)
            throw new InvalidDataException("expected a single commonName");
        tag = attribute.PeekTag();
        return attribute.ReadCharacterString(UniversalTagNumber.UTF8String);
    }

    /// <summary>The tag tree of a DER value with primitive contents left out, e.g. "30(30(A0(02)02...".</summary>
    public static string Shape(byte[] der)
    {
        var text = new StringBuilder();
        AppendShape(new AsnReader(der, AsnEncodingRules.DER), text);
        return text.ToString();
    }

    private static void AppendShape(AsnReader reader, StringBuilder text)
    {
        while (reader.HasData)
        {
            Asn1Tag tag = reader.PeekTag();
            text.Append(tag.TagClass).Append(tag.TagValue);
            if (tag.IsConstructed)
            {
                text.Append('(');
                AppendShape(tag == Asn1Tag.SetOf ? reader.ReadSetOf() : reader.ReadSequence(tag), text);
                text.Append(')');
            }
            else
            {
                reader.ReadEncodedValue();
            }
            text.Append(' ');
        }
    }
}
