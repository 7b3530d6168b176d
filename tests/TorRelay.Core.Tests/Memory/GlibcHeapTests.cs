using System.Runtime.InteropServices;
using TorRelay.Core.Memory;

namespace TorRelay.Core.Tests.Memory;

[CollectionDefinition(nameof(GlibcHeapTests), DisableParallelization = true)]
public sealed class GlibcHeapCollection;

/// <summary>Runs alone: other tests allocating at the same time would move the RSS it measures.</summary>
[Collection(nameof(GlibcHeapTests))]
public sealed unsafe class GlibcHeapTests
{
    [Fact]
    public void Trim_GivesFreedArenaMemoryBackToTheOs()
    {
        const int Blocks = 4096, BlockSize = 16 * 1024; // 64 MiB in OpenSSL-record-sized pieces
        var heap = new GlibcHeap();
        var blocks = new nint[Blocks];
        var pins = new nint[Blocks];
        for (int i = 0; i < Blocks; i++)
        {
            blocks[i] = (nint)NativeMemory.Alloc(BlockSize);
            new Span<byte>((void*)blocks[i], BlockSize).Fill(1); // resident
            pins[i] = (nint)NativeMemory.Alloc(64); // a live chunk after each block: glibc cannot trim from the top
        }
        try
        {
            for (int i = 0; i < Blocks; i++) NativeMemory.Free((void*)blocks[i]);
            Assert.True(heap.FreeBytes() >= (long)Blocks * BlockSize, $"malloc reports {heap.FreeBytes()} bytes free");
            long before = Environment.WorkingSet;
            Assert.True(heap.Trim());
            long after = Environment.WorkingSet;
            Assert.True(before - after >= 32L << 20, $"RSS {before >> 20} -> {after >> 20} MiB");
        }
        finally
        {
            foreach (var p in pins) NativeMemory.Free((void*)p);
        }
    }
}
