// Formal only: lets tdash_compress and tdash_decompress elaborate at the small sizes the
// bounded codec proof uses (N = 5, DW = 2). Both refuse sizes their benches do not test by
// instantiating a module that does not exist (named for the message); their logic is written
// for any N >= 5 and DW, so the proof defines these two refusal modules as empty. Nothing else
// of rtl/ is touched, and the proof states the sizes it ran at.
module tdash_error_tdash_compress_supports_N_16_DW_16_DEPTH_2_or_3_ITERATIVE_0_or_1;
endmodule
module tdash_error_tdash_decompress_supports_N_16_DW_16_DEPTH_2_or_3;
endmodule
