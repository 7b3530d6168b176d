using TorRelay.Cells;
using TorRelay.Core.Channels;

namespace TorRelay.Core.Tests.Channels;

public sealed class CellRunTests
{
    [Fact]
    public void Runs_of_equal_commands_are_handed_out_whole_when_another_command_or_the_end_comes()
    {
        var run = new CellRun();
        var reported = new List<(CellCommand, int)>();
        CellCommand[] cells = [CellCommand.Relay, CellCommand.Relay, CellCommand.Relay, CellCommand.Destroy, CellCommand.Relay, CellCommand.Relay];
        foreach (var command in cells)
            if (run.Add(command, out var ended, out int count)) reported.Add((ended, count));
        Assert.True(run.Take(out var last, out int lastCount));
        reported.Add((last, lastCount));

        Assert.Equal([(CellCommand.Relay, 3), (CellCommand.Destroy, 1), (CellCommand.Relay, 2)], reported);
        Assert.False(run.Take(out _, out _));
    }
}
