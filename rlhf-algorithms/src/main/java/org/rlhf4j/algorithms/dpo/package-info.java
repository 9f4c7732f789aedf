/** Direct preference optimisation (DPO, IPO, cDPO) against the frozen SFT reference. */
package org.rlhf4j.algorithms.dpo;
