namespace TorRelay.Relay.Tests.Keys;

/// <summary>A unique scratch directory, removed on dispose.</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory() => Path = System.IO.Directory.CreateTempSubdirectory("torrelay-keys-").FullName;
    public string Path { get; }
    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);
    public void Dispose()
    {
        try { System.IO.Directory.Delete(Path, recursive: true); }
        catch (IOException) { }
    }
}
