using TorRelay.Relay.Metrics;

namespace TorRelay.Relay.Tests.Metrics;

public class CpuCoreLoadTests
{
    [Fact]
    public void BusyRatioComesFromTheDifferenceBetweenTwoReadings()
    {
        string path = Path.GetTempFileName();
        try
        {
            File.WriteAllLines(path, ["cpu  10 0 10 80 0 0 0 0", "cpu0 10 0 10 80 0 0 0 0 0 0", "cpu1 0 0 0 100 0 0 0 0", "intr 5"]);
            var load = new CpuCoreLoad(path);
            var first = load.Observe().ToDictionary(x => (string)x.Tags[0].Value!, x => x.Value);
            Assert.Equal(0.2, first["0"], 3); // since boot: 20 busy of 100
            Assert.Equal(0.0, first["1"], 3);
            Assert.Equal(0.2, load.Observe().First(x => (string)x.Tags[0].Value! == "0").Value, 3); // no tick: last value
            // core 0: +30 busy, +10 idle; core 1: +0 busy, +50 idle, +50 iowait
            File.WriteAllLines(path, ["cpu  40 0 10 140 50 0 0 0", "cpu0 30 0 20 90 0 0 0 0 0 0", "cpu1 0 0 0 150 50 0 0 0"]);
            var m = load.Observe().ToDictionary(x => (string)x.Tags[0].Value!, x => x.Value);
            Assert.Equal(0.75, m["0"], 3);
            Assert.Equal(0.0, m["1"], 3);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void ReadsThisMachinesCores() =>
        Assert.Equal(Environment.ProcessorCount, CpuCoreLoad.Read(File.ReadLines("/proc/stat")).Count);
}
