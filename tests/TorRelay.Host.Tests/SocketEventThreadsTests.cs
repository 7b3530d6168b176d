namespace TorRelay.Host.Tests;

public class SocketEventThreadsTests
{
    private const string Variable = SocketEventThreads.InlineCompletionsVariable;

    [Fact]
    public void InlineCompletions_AreTurnedOn_WhenUnset_AndAnOperatorsValueIsKept()
    {
        string? saved = Environment.GetEnvironmentVariable(Variable);
        try
        {
            Environment.SetEnvironmentVariable(Variable, null);
            SocketEventThreads.UseInlineCompletions();
            Assert.Equal("1", Environment.GetEnvironmentVariable(Variable));

            Environment.SetEnvironmentVariable(Variable, "0");
            SocketEventThreads.UseInlineCompletions();
            Assert.Equal("0", Environment.GetEnvironmentVariable(Variable));
        }
        finally
        {
            Environment.SetEnvironmentVariable(Variable, saved);
        }
    }
}
