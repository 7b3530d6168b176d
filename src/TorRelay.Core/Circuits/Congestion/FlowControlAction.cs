namespace TorRelay.Core.Circuits.Congestion;

/// <summary>What a stream's flow control asks the caller to send to the other end of the stream.</summary>
public enum FlowControlSignal
{
    None,
    Xoff,
    Xon,
}

/// <summary>A <see cref="FlowControlSignal"/>; for XON, the advisory rate to put in it (kilobytes per second, 0 = none).</summary>
public readonly record struct FlowControlAction(FlowControlSignal Signal, uint KbpsEwma = 0)
{
    public static FlowControlAction None => default;
}
