using System.Text;

namespace TorRelay.Cells.Tests.Relay;

/// <summary>Builds test inputs the way C tor's test_cell_formats.c writes them: hex, ASCII and zero padding.</summary>
internal static class Bytes
{
    public static byte[] H(string hex) => Convert.FromHexString(hex.Replace(" ", ""));
    public static byte[] A(string ascii) => Encoding.Latin1.GetBytes(ascii);
    public static byte[] Cat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();
    public static byte[] Pad(byte[] b, int length) => [.. b, .. new byte[length - b.Length]];
    public static string E(ReadOnlySpan<byte> b) => Convert.ToHexString(b).ToLowerInvariant();
}
