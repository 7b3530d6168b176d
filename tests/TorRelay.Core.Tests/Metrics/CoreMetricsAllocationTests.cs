using System.Diagnostics.Metrics;
using TorRelay.Cells;
using TorRelay.Cells.Circuits;
using TorRelay.Core.Metrics;

namespace TorRelay.Core.Tests.Metrics;

public sealed class CoreMetricsAllocationTests
{
    [Fact]
    public void Per_cell_and_per_circuit_methods_do_not_allocate_while_listened_to()
    {
        using var factory = new TestMeterFactory();
        using var metrics = new CoreMetrics(factory);
        using var listener = new MeterListener();
        listener.InstrumentPublished = (i, l) =>
        {
            if (i.Meter.Name == factory.Prefix + CoreMetrics.MeterName) l.EnableMeasurementEvents(i);
        };
        listener.SetMeasurementEventCallback<double>(static (_, _, _, _) => { });
        listener.Start();
        Record(metrics); // the first calls may allocate (static initialisation, JIT)

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++) Record(metrics);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
    }

    private static void Record(CoreMetrics metrics)
    {
        metrics.CellReceived(CellCommand.Relay);
        metrics.CellSent(CellCommand.Relay);
        metrics.BytesRead(514);
        metrics.BytesWritten(514);
        metrics.CellSwitched(TimeSpan.FromMicroseconds(3));
        metrics.HandshakeCompleted(HandshakeKind.Ntor, TimeSpan.FromMicroseconds(80));
        metrics.OnionskinProcessed(HandshakeType.Ntor);
        metrics.OnionskinDropped(HandshakeType.NtorV3);
        metrics.DestroyCellReceived();
        metrics.DropCellReceived();
        metrics.CircuitOpened();
        metrics.CircuitClosed();
    }
}
