package org.rlhf4j.engine.model;

/** Parameter names of docs/model.md, shared by checkpoints, the SameDiff graph and the ND4J path. */
public final class ParamNames {
    public static final String TOK_EMB = "tok_emb";
    public static final String POS_EMB = "pos_emb";
    public static final String LN_F_G = "ln_f.g";
    public static final String LN_F_B = "ln_f.b";
    public static final String LM_HEAD = "lm_head";
    public static final String HEAD_W = "head.w";
    public static final String HEAD_B = "head.b";

    private ParamNames() {}

    /** Name of parameter {@code suffix} (e.g. {@code attn.wqkv}) of layer {@code layer}: {@code h0.attn.wqkv}. */
    public static String layer(int layer, String suffix) {
        return "h" + layer + "." + suffix;
    }
}
