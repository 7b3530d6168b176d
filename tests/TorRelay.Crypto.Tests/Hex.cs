namespace TorRelay.Crypto.Tests;

internal static class Hex
{
    public static byte[] D(string hex) => Convert.FromHexString(hex);
    public static string E(ReadOnlySpan<byte> bytes) => Convert.ToHexString(bytes).ToLowerInvariant();
    public static string TestData(string name) => Path.Combine(AppContext.BaseDirectory, "TestData", name);
}
