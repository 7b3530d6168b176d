using System.Runtime.InteropServices;

namespace TorRelay.Core.Memory;

/// <summary>What the process's malloc heap can report and give back (OpenSSL's objects live there).</summary>
public interface INativeHeap
{
    /// <summary>Bytes malloc holds free inside its arenas, or null where that cannot be known.</summary>
    long? FreeBytes();

    /// <summary>Gives the free pages inside malloc's arenas back to the OS; false where that cannot be done.</summary>
    bool Trim();
}

/// <summary>
/// glibc's malloc: OpenSSL's per-connection state comes from its per-thread arenas, and glibc gives an arena's memory
/// back to the OS only from its top, so after thousands of connections close most of it stays in the process.
/// <c>malloc_trim(0)</c> releases every free page of every arena. Elsewhere (musl) both calls report nothing.
/// </summary>
public sealed partial class GlibcHeap : INativeHeap
{
    private bool _unavailable;

    public long? FreeBytes()
    {
        if (_unavailable) return null;
        try
        {
            return (long)mallinfo2().Fordblks;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            _unavailable = true;
            return null;
        }
    }

    public bool Trim()
    {
        if (_unavailable) return false;
        try
        {
            malloc_trim(0);
            return true;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            _unavailable = true;
            return false;
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct MallInfo2
    {
        public nuint Arena, Ordblks, Smblks, Hblks, Hblkhd, Usmblks, Fsmblks, Uordblks, Fordblks, Keepcost;
    }

    [LibraryImport("libc.so.6")]
    private static partial MallInfo2 mallinfo2();

    [LibraryImport("libc.so.6")]
    private static partial int malloc_trim(nuint pad);
}
