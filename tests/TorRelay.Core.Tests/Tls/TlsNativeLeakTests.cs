using System.Runtime.InteropServices;
using Xunit.Abstractions;
using TorRelay.Core.Tls;

namespace TorRelay.Core.Tests.Tls;

[CollectionDefinition(nameof(TlsNativeLeakTests), DisableParallelization = true)]
public sealed class TlsNativeLeakCollection;

/// <summary>Rough native-leak check: many connect/dispose cycles must not grow the malloc heap or RSS.</summary>
[Collection(nameof(TlsNativeLeakTests))]
public sealed partial class TlsNativeLeakTests(ITestOutputHelper output)
{
    [StructLayout(LayoutKind.Sequential)]
    private struct MallInfo2
    {
        public nuint Arena, Ordblks, Smblks, Hblks, Hblkhd, Usmblks, Fsmblks, Uordblks, Fordblks, Keepcost;
    }

    [LibraryImport("libc.so.6")]
    private static partial MallInfo2 mallinfo2();

    [Fact]
    public async Task TwoThousandConnectDisposeCycles_DoNotGrowNativeMemory()
    {
        var ct = new CancellationTokenSource(TimeSpan.FromMinutes(10)).Token;
        using var certs = TlsTestSupport.NewCertificates();
        using var serverContext = certs.CreateServerContext();
        using var clientContext = TlsContext.CreateClient();

        await Cycles(200);
        (long heap, long rss) before = Measure();
        await Cycles(2000);
        (long heap, long rss) after = Measure();

        output.WriteLine($"malloc heap {before.heap} -> {after.heap}, RSS {before.rss} -> {after.rss}");
        // A leaked SSL object with its BIOs is tens of KiB: 2,000 of them would be far above these bounds.
        Assert.True(after.heap - before.heap < 8L << 20, $"malloc heap grew {after.heap - before.heap} bytes");
        Assert.True(after.rss - before.rss < 64L << 20, $"RSS grew {after.rss - before.rss} bytes");

        async Task Cycles(int count)
        {
            for (int i = 0; i < count; i++)
            {
                var (client, server) = await TlsTestSupport.ConnectPairAsync(serverContext, clientContext, ct);
                await client.Transport.Output.WriteAsync(new byte[514], ct);
                await server.Transport.Input.ReadExactlyAsync(514, ct);
                await client.DisposeAsync();
                await server.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task LinksLeftIdleAfterBulkTraffic_HoldNoCiphertextBuffers()
    {
        // A memory BIO keeps its largest size: about 130 KiB per side of a link that once carried a burst, for as
        // long as the link lives. A relay has thousands of links; idle ones must cost the SSL object only.
        const int Pairs = 24, Bulk = 1 << 20;
        var ct = new CancellationTokenSource(TimeSpan.FromMinutes(5)).Token;
        using var certs = TlsTestSupport.NewCertificates();
        using var serverContext = certs.CreateServerContext();
        using var clientContext = TlsContext.CreateClient();
        var pairs = new List<(TlsConnection Client, TlsConnection Server)>();
        try
        {
            for (int i = 0; i < Pairs; i++)
            {
                var pair = await TlsTestSupport.ConnectPairAsync(serverContext, clientContext, ct);
                pairs.Add(pair);
                await pair.Client.Transport.Output.WriteAsync(new byte[514], ct);
                await pair.Server.Transport.Input.ReadExactlyAsync(514, ct);
            }
            long before = Measure().Heap;
            var bulk = new byte[Bulk];
            foreach (var (client, server) in pairs)
            {
                await Task.WhenAll(client.Transport.Output.WriteAsync(bulk, ct).AsTask(), server.Transport.Input.ReadExactlyAsync(Bulk, ct));
                await Task.WhenAll(server.Transport.Output.WriteAsync(bulk, ct).AsTask(), client.Transport.Input.ReadExactlyAsync(Bulk, ct));
            }
            // Let the send loops finish their last socket writes (OpenSSL frees a record buffer once it is sent); on a
            // busy machine that can take longer than the first look, so look again for a few seconds before failing.
            const long limit = Pairs * 16L * 1024;
            long after = 0;
            for (int look = 0; look < 25; look++)
            {
                await Task.Delay(200, ct);
                after = Measure().Heap;
                if (after - before < limit) break;
            }

            output.WriteLine($"malloc heap {before} -> {after} with {Pairs} idle links after {Bulk >> 20} MiB each way");
            Assert.True(after - before < limit, $"idle links hold {(after - before) / Pairs} bytes each");
        }
        finally
        {
            foreach (var (client, server) in pairs)
            {
                await client.DisposeAsync();
                await server.DisposeAsync();
            }
        }
    }

    private static (long Heap, long Rss) Measure()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return ((long)mallinfo2().Uordblks, Environment.WorkingSet);
    }
}
