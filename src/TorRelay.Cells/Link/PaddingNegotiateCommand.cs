namespace TorRelay.Cells.Link;

/// <summary>The command of a PADDING_NEGOTIATE cell (C tor's channelpadding_negotiation.trunnel).</summary>
public enum PaddingNegotiateCommand : byte
{
    /// <summary>CHANNELPADDING_COMMAND_STOP: do not send padding on this channel.</summary>
    Stop = 1,

    /// <summary>CHANNELPADDING_COMMAND_START: send padding, with these timeouts.</summary>
    Start = 2,
}
