namespace TorRelay.Core.Channels.Padding;

/// <summary>One period's <see cref="PaddingCounts"/>, named as in extra-info's padding-counts line (dir-spec §2.1.2).</summary>
public readonly record struct PaddingCountsSnapshot(
    ulong WriteDrop,
    ulong WritePad,
    ulong WriteTotal,
    ulong ReadDrop,
    ulong ReadPad,
    ulong ReadTotal,
    ulong EnabledReadPad,
    ulong EnabledReadTotal,
    ulong EnabledWritePad,
    ulong EnabledWriteTotal,
    ulong MaxChanpadTimers);
